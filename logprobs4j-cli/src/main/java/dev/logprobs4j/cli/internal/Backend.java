package dev.logprobs4j.cli.internal;

import dev.logprobs4j.ChatModel;
import dev.logprobs4j.LabelScorer;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import dev.logprobs4j.Logprobs;
import java.util.List;
import java.util.Objects;
import dev.logprobs4j.local.ScoreOptions;
import dev.logprobs4j.local.ScoreTotals;
import dev.logprobs4j.local.ScoredToken;

/**
 * A provider opened for one CLI run: the chat model and, for the local engine, prompt scoring.
 * Closing it releases the model (a mapped GGUF file, a connection pool).
 */
public interface Backend extends AutoCloseable {

    /** The model's name, for the JSON and the report. */
    String modelName();

    /** The model to chat with. */
    ChatModel chatModel();

    /**
     * Logprobs of {@code text}, each token given the ones before it, handed to {@code sink} one by
     * one (rolling windows when the text is longer than {@code options.window()}).
     *
     * @return the totals of the run
     * @throws CliException when the provider cannot score a given text
     */
    ScoreTotals score(String text, ScoreOptions options, ScoreSink sink);

    /** Receives a scoring run's size, then its tokens in order. */
    interface ScoreSink {
        /** Called once, before any token: how many tokens will be scored, and the unscored ones before them. */
        void start(int tokens, List<String> unscored);

        /** Called for each scored token, in order. */
        void accept(ScoredToken token);
    }

    /**
     * Each label's probability as the continuation of {@code prompt}: raw text, or with
     * {@code chat} the start of the answer to it as a user message.
     */
    default LabelScores classify(String prompt, List<String> labels, boolean chat) {
        return LabelScorer.classify(chatModel(), List.of(Message.human(prompt)), labels);
    }

    @Override
    void close();

    /**
     * Logprobs of a given text: immutable.
     *
     * @param unscored leading tokens with nothing before them to predict them from
     * @param scored   every other token, with its alternatives
     */
    record Scored(List<String> unscored, Logprobs scored) {
        public Scored {
            unscored = List.copyOf(unscored);
            Objects.requireNonNull(scored, "scored must not be null");
        }
    }

    /**
     * Where and how to open a provider, from the command line: immutable.
     *
     * @param provider   {@code local}, {@code openai} or {@code vllm}
     * @param model      {@code --model}, or null for the provider's default
     * @param baseUrl    {@code --base-url}, or null
     * @param apiKey     {@code --api-key}, or null
     * @param threads    {@code --threads}, or null
     * @param exact      {@code --exact}: float activations for quantised weights instead of llama.cpp's 8-bit ones
     * @param context    {@code --context}, or null for the model's default
     * @param repoRoot   the repository root, where the default model is looked up
     * @param progressTo where to draw a loading progress bar (a terminal's stderr), or null for none
     */
    record Spec(String provider, String model, String baseUrl, String apiKey, Integer threads, boolean exact, Integer context,
                java.nio.file.Path repoRoot, java.io.PrintStream progressTo) {
    }

    /** Opens providers; tests substitute their own. */
    @FunctionalInterface
    interface Factory {
        /**
         * The opened provider.
         *
         * @throws CliException with a message for the user when it cannot be opened
         */
        Backend open(Spec spec);
    }
}
