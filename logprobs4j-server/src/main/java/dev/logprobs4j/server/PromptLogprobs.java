package dev.logprobs4j.server;

import dev.logprobs4j.Logprobs;
import java.util.List;
import java.util.Objects;

/**
 * The logprobs of a given text, as {@code echo} returns them: immutable.
 *
 * @param unscored leading tokens nothing predicts (the BOS token of models that start every text
 *                 with one, or the first token of the text when there is none); their logprob is
 *                 {@code null} on the wire, as in the legacy OpenAI and vLLM completions APIs
 * @param scored   every later token of the text with its logprob and alternatives, in order
 */
public record PromptLogprobs(List<String> unscored, Logprobs scored) {

    public PromptLogprobs {
        unscored = List.copyOf(unscored);
        Objects.requireNonNull(scored, "scored must not be null (use Logprobs.EMPTY)");
    }
}
