package dev.logprobs4j.cli.internal;

import dev.logprobs4j.ChatModel;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import java.util.List;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.ScoreOptions;
import dev.logprobs4j.local.ScoreTotals;
import java.nio.file.Path;
import java.util.List;

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
        if (spec.exact()) {
            builder.exact(true);
        }
        if (spec.context() != null) {
            if (spec.context() < 2) {
                throw new CliException("--context must be at least 2 tokens, was " + spec.context());
            }
            builder.contextLength(spec.context());
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
    public ScoreTotals score(String text, ScoreOptions options, ScoreSink sink) {
        int[] tokens = model.tokenize(text);
        if (options.window() > model.contextLength()) {
            throw new CliException("--window " + options.window() + " does not fit in the context of " + model.contextLength()
                    + " tokens: pass --context " + options.window() + " too, or a smaller --window");
        }
        int window = options.window() == 0 ? model.contextLength() : options.window();
        if (options.stride() > window) {
            throw new CliException("--stride " + options.stride() + " is larger than the window of " + window + " tokens");
        }
        // Without a BOS token the text's first token has nothing before it to be scored from.
        List<String> unscored = model.bosText().isPresent() || tokens.length == 0 ? List.of() : List.of(model.tokenText(tokens[0]));
        sink.start(Math.max(0, tokens.length - 1), unscored);
        return model.score(tokens, options, sink::accept);
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
