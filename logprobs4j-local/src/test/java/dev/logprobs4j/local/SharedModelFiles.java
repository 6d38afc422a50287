package dev.logprobs4j.local;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared model files: {@code ../shared/models} seen from the repository root. */
public final class SharedModelFiles {

    private SharedModelFiles() {
    }

    public static Path stories260K() {
        return model("stories260K.gguf");
    }

    /** Tolstoy's War and Peace in English, from {@code ../shared/corpus}. */
    public static Path warAndPeace() {
        return shared("corpus", "war-and-peace.txt");
    }

    static Path model(String name) {
        return shared("models", name);
    }

    private static Path shared(String folder, String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("logprobs4j-core"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        Path file = dir.resolveSibling("shared").resolve(folder).resolve(name);
        // A git worktree (wt/x) sits one level deeper than a clone: look further up too.
        for (Path d = dir.getParent(); d != null && !Files.isRegularFile(file); d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve(folder).resolve(name);
            if (Files.isRegularFile(candidate)) {
                file = candidate;
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing shared file " + file + ": the shared/ folder must sit beside the repository");
        }
        return file;
    }
}
