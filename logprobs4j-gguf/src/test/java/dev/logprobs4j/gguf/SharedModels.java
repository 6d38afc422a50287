package dev.logprobs4j.gguf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/models} relative to the repository root, as CI lays it out. */
final class SharedModels {
    private SharedModels() {}

    static Path model(String fileName) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>logprobs4j-parent</artifactId>")
                        && !Files.readString(pom).contains("<parent>")) {
                    // CI puts shared/ beside the clone; a git worktree (wt/x) may sit one level deeper.
                    for (Path d = dir.getParent(); d != null; d = d.getParent()) {
                        Path candidate = d.resolve("shared").resolve("models").resolve(fileName);
                        if (Files.exists(candidate)) {
                            return candidate;
                        }
                    }
                    return dir.resolveSibling("shared").resolve("models").resolve(fileName);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("repository root with logprobs4j-parent pom.xml not found above " + Path.of("").toAbsolutePath());
    }
}
