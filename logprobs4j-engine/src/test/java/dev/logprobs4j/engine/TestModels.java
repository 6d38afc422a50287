package dev.logprobs4j.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the shared model files ({@code ../shared/models} beside the repository) and of test outputs. */
final class TestModels {
    private TestModels() {}

    static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom)) {
                    String s = Files.readString(pom);
                    if (s.contains("<artifactId>logprobs4j-parent</artifactId>") && !s.contains("<parent>")) {
                        return dir;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    static Path shared(String fileName) {
        Path root = repoRoot();
        // CI puts shared/ beside the clone; a git worktree (wt/x) may sit one level deeper.
        for (Path d = root.getParent(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("models").resolve(fileName);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return root.resolveSibling("shared").resolve("models").resolve(fileName);
    }

    static Path stories() {
        return shared("stories260K.gguf");
    }

    /** A scratch directory under the engine module's target/, never committed. */
    static Path targetDir(String name) {
        Path dir = repoRoot().resolve("logprobs4j-engine").resolve("target").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
