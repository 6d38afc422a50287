package dev.logprobs4j.local;

import dev.logprobs4j.Logprobs;
import java.util.List;

/**
 * The log probabilities of a given text under a model ("prompt logprobs"): each token's logprob
 * given the tokens before it, with the most likely alternatives. Immutable.
 *
 * @param unscored leading tokens that nothing precedes, so nothing predicts them (empty when the
 *                 model starts every text with a BOS token, which is then the context of the first)
 * @param scored   every other token of the text, in order
 */
public record PromptScore(List<String> unscored, Logprobs scored) {

    public PromptScore {
        unscored = List.copyOf(unscored);
        if (scored == null) {
            throw new IllegalArgumentException("scored must not be null");
        }
    }

    /** Sum of the scored tokens' logprobs: the log probability of the text after its unscored start. */
    public double totalLogprob() {
        return scored.totalLogprob();
    }

    /** Perplexity of the scored tokens, {@code exp(-mean logprob)}. */
    public double perplexity() {
        return scored.perplexity();
    }
}
