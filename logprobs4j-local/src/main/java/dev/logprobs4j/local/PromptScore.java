package dev.logprobs4j.local;

import dev.logprobs4j.Logprobs;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The log probabilities of a given text under a model ("prompt logprobs"): each token's logprob
 * given the tokens before it, with the most likely alternatives. Immutable.
 *
 * @param unscored leading tokens that nothing precedes, so nothing predicts them (empty when the
 *                 model starts every text with a BOS token, which is then the context of the first)
 * @param scored   every other token of the text, in order
 * @param contexts for each scored token, how many tokens before it the model saw (BOS included):
 *                 {@code k + 1} for the {@code k}-th when the text fits in one window, capped by the
 *                 window when it rolls
 */
public record PromptScore(List<String> unscored, Logprobs scored, int[] contexts) {

    public PromptScore {
        unscored = List.copyOf(unscored);
        Objects.requireNonNull(scored, "scored");
        contexts = contexts.clone();
        if (contexts.length != scored.size()) {
            throw new IllegalArgumentException("contexts has " + contexts.length + " entries for " + scored.size() + " scored tokens");
        }
    }

    /** A score of a text read in one window: the {@code k}-th scored token saw {@code k + 1} tokens. */
    public PromptScore(List<String> unscored, Logprobs scored) {
        this(unscored, scored, fullContexts(scored.size()));
    }

    private static int[] fullContexts(int n) {
        int[] c = new int[n];
        Arrays.setAll(c, k -> k + 1);
        return c;
    }

    @Override
    public int[] contexts() {
        return contexts.clone();
    }

    /** Sum of the scored tokens' logprobs: the log probability of the text after its unscored start. */
    public double totalLogprob() {
        return scored.totalLogprob();
    }

    /** Perplexity of the scored tokens, {@code exp(-mean logprob)}. */
    public double perplexity() {
        return scored.perplexity();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptScore p && unscored.equals(p.unscored) && scored.equals(p.scored) && Arrays.equals(contexts, p.contexts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(unscored, scored, Arrays.hashCode(contexts));
    }

    @Override
    public String toString() {
        return "PromptScore[unscored=" + unscored + ", scored=" + scored.size() + " tokens, total=" + totalLogprob() + "]";
    }
}
