package dev.logprobs4j.springai;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds {@code ../shared/models/stories260K.gguf} from the repository (or a worktree of it). */
final class Models {

    private Models() {
    }

    static Path stories260K() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("shared").resolve("models").resolve("stories260K.gguf");
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalStateException("missing shared/models/stories260K.gguf above " + Path.of("").toAbsolutePath()
                + ": the shared/ folder must sit beside the repository");
    }
}
