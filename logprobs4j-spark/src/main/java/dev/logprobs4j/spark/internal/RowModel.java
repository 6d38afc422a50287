package dev.logprobs4j.spark.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import java.util.List;

/**
 * What the transformer asks of a backend, per row. Implementations are thread-safe: a partition's
 * rows call them from several threads at once, which is how the local engine batches them.
 */
public interface RowModel {

    /** A text's prompt logprobs. */
    Scored score(String text, int topLogprobs);

    /** Each label's logprob as the continuation of {@code prompt}, in the labels' order. */
    double[] classify(String prompt, List<String> labels);

    /** The answer to a conversation. */
    AIMessage generate(List<Message> messages, ChatOptions options);

    /**
     * Logprobs of a given text: immutable.
     *
     * @param unscored leading tokens nothing predicts
     * @param scored   the other tokens
     */
    record Scored(List<String> unscored, Logprobs scored) {
        public Scored {
            unscored = List.copyOf(unscored);
        }
    }
}
