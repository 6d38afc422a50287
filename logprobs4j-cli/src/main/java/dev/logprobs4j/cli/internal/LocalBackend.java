package dev.logprobs4j.cli.internal;

import dev.logprobs4j.ChatModel;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import java.util.List;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import java.nio.file.Path;

/** The in-process engine as a CLI backend: owns the loaded {@link LocalChatModel} and closes it. */
final class LocalBackend implements Backend {

    private final LocalChatModel model;

    private LocalBackend(LocalChatModel model) {
        this.model = model;
    }

    /** Loads the GGUF file {@code spec} names (or the default model), drawing a progress bar when asked. */
    static LocalBackend open(Spec spec) {
        Path file = ModelPaths.localModel(spec.model(), spec.repoRoot());
        LocalChatModel.Builder builder = LocalChatModel.builder().modelPath(file);
        if (spec.threads() != null) {
            if (spec.threads() < 1) {
                throw new CliException("--threads must be >= 1, was " + spec.threads());
            }
            builder.threads(spec.threads());
        }
        LoadProgressBar bar = spec.progressTo() == null ? null : new LoadProgressBar(spec.progressTo(), file.getFileName().toString());
        if (bar != null) {
            builder.progress((done, total, tensor) -> bar.update(done, total));
        }
        try {
            return new LocalBackend(builder.build());
        } finally {
            if (bar != null) {
                bar.finish();
            }
        }
    }

    @Override
    public String modelName() {
        return model.modelName();
    }

    @Override
    public ChatModel chatModel() {
        return model;
    }

    @Override
    public Scored score(String text, int topLogprobs) {
        PromptScore score = model.score(text, topLogprobs);
        return new Scored(score.unscored(), score.scored());
    }

    @Override
    public LabelScores classify(String prompt, List<String> labels, boolean chat) {
        return chat ? model.classify(List.of(Message.human(prompt)), labels) : model.classify(prompt, labels);
    }

    @Override
    public void close() {
        model.close();
    }
}
