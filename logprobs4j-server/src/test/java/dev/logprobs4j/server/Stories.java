package dev.logprobs4j.server;

import dev.logprobs4j.local.LocalChatModel;
import java.io.IOException;
import java.nio.file.Path;

/** The real stories260K model of ../shared/models, loaded once per test JVM. */
final class Stories {

    private static LocalChatModel model;

    private Stories() {
    }

    static synchronized LocalChatModel model() throws IOException {
        if (model == null) {
            Path gguf = sharedModel("stories260K.gguf");
            model = LocalChatModel.builder().modelPath(gguf).threads(1).build();
        }
        return model;
    }

    /**
     * {@code ../shared/models/NAME} seen from the repository root (how CI lays it out); a git
     * worktree nested deeper finds the shared/ folder of a directory further up.
     */
    static Path sharedModel(String name) throws IOException {
        for (Path dir = NodeRunner.repoRoot().getParent(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("shared/models").resolve(name);
            if (java.nio.file.Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalStateException("missing shared model " + name + ": the shared/ folder must sit beside the repository");
    }
}
