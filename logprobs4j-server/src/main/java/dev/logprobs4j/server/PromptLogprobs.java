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
 * @param bosFirst whether {@code unscored} starts with a BOS token, which is not part of the text
 *                 and so takes no room in {@code text_offset}
 */
public record PromptLogprobs(List<String> unscored, Logprobs scored, boolean bosFirst) {

    public PromptLogprobs {
        unscored = List.copyOf(unscored);
        Objects.requireNonNull(scored, "scored must not be null (use Logprobs.EMPTY)");
        if (bosFirst && unscored.isEmpty()) {
            throw new IllegalArgumentException("bosFirst needs the BOS token's text as the first unscored token");
        }
    }
}
