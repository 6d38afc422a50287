package dev.logprobs4j.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Log-softmax of raw logits, computed in double: {@code logprob(i) = logits[i] - logsumexp(logits)}.
 *
 * <p>These are the model's own probabilities, before temperature or any truncation by a sampler.
 * Stateless and thread-safe.
 */
public final class Logprobs {
    private Logprobs() {}

    /** {@code log(sum(exp(logits[off .. off+n))))}, stable and in double. */
    public static double logSumExp(float[] logits, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp((double) logits[off + i] - max);
        }
        return max + Math.log(sum);
    }

    /** {@link #logSumExp(float[], int, int)} over the whole array. */
    public static double logSumExp(float[] logits) {
        return logSumExp(logits, 0, logits.length);
    }

    /**
     * The {@code k} most likely tokens, most likely first (ties: lower id first).
     *
     * @param logSumExp the value of {@link #logSumExp} for the same logits
     */
    public static List<TokenLogprob> top(float[] logits, int off, int n, int k, double logSumExp) {
        k = Math.min(k, n);
        if (k <= 0) {
            return List.of();
        }
        int[] best = new int[k]; // ids ordered by descending logit
        int size = 0;
        for (int i = 0; i < n; i++) {
            float l = logits[off + i];
            if (size == k && !(l > logits[off + best[k - 1]])) {
                continue;
            }
            int j = size < k ? size++ : k - 1;
            while (j > 0 && l > logits[off + best[j - 1]]) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = i;
        }
        List<TokenLogprob> r = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            r.add(new TokenLogprob(best[i], Math.min(0, logits[off + best[i]] - logSumExp)));
        }
        return List.copyOf(r);
    }
}
