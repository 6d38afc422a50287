package dev.logprobs4j.local;

import java.util.List;

/**
 * What a streamed scoring run adds up to; a run that hands out each token keeps only this, so its
 * memory does not grow with the text. Immutable.
 *
 * @param unscored     leading tokens that nothing precedes (see {@link PromptScore#unscored()})
 * @param tokens       scored tokens
 * @param totalLogprob sum of their logprobs
 * @param windows      forward passes it took (1 when the text fits in one window)
 * @param minRolledContext the least context of a token scored after the first window (which gives
 *                     each of its tokens all the context there is); 0 when one window held the text
 */
public record ScoreTotals(List<String> unscored, long tokens, double totalLogprob, int windows, int minRolledContext) {

    public ScoreTotals {
        unscored = List.copyOf(unscored);
    }

    /** Mean logprob per scored token; NaN when none was scored. */
    public double meanLogprob() {
        return tokens == 0 ? Double.NaN : totalLogprob / tokens;
    }

    /** Perplexity of the scored tokens, {@code exp(-mean logprob)}; NaN when none was scored. */
    public double perplexity() {
        return Math.exp(-meanLogprob());
    }
}
