package dev.logprobs4j.engine;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Chooser of the next token according to {@link SamplingParams}, with its own seeded random state.
 *
 * <p>Not thread-safe. Buffers are allocated once per vocabulary size, so sampling does not
 * allocate per token.
 */
public final class Sampler {
    private final SamplingParams params;
    private final SplittableRandom random;
    private long[] keys = new long[0]; // (candidates) sortable logit bits << 32 | token id
    private double[] probs = new double[0]; // (candidates)

    public Sampler(SamplingParams params) {
        this.params = Objects.requireNonNull(params, "params");
        this.random = new SplittableRandom(params.seed());
    }

    public SamplingParams params() {
        return params;
    }

    /** The index of the largest logit (lowest index on ties). */
    public static int argmax(float[] logits, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[off + i] > logits[off + best]) {
                best = i;
            }
        }
        return best;
    }

    /** Chooses a token from {@code logits[0 .. n)}; does not modify them. */
    public int sample(float[] logits, int n) {
        if (params.isGreedy()) {
            return argmax(logits, 0, n);
        }
        if (keys.length < n) {
            keys = new long[n];
            probs = new double[n];
        }
        // Sort candidates by descending logit: the key orders like the float and ties by id.
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(logits[i]);
            int sortable = bits >= 0 ? bits : bits ^ 0x7FFFFFFF;
            keys[i] = ((long) ~sortable << 32) | i;
        }
        Arrays.sort(keys, 0, n);
        int count = params.topK() > 0 ? Math.min(params.topK(), n) : n;
        // Probabilities of the raw logits over the kept candidates.
        float max = logits[id(0)];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            probs[i] = Math.exp((double) logits[id(i)] - max);
            sum += probs[i];
        }
        if (params.topP() < 1f) {
            double cum = 0;
            for (int i = 0; i < count; i++) {
                cum += probs[i] / sum;
                if (cum >= params.topP()) {
                    count = i + 1;
                    break;
                }
            }
        }
        if (params.minP() > 0f) {
            double threshold = params.minP() * probs[0];
            int keep = 1;
            while (keep < count && probs[keep] >= threshold) {
                keep++;
            }
            count = keep;
        }
        // Temperature on the survivors, then one draw.
        double total = 0;
        for (int i = 0; i < count; i++) {
            probs[i] = Math.exp(((double) logits[id(i)] - max) / params.temperature());
            total += probs[i];
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < count; i++) {
            r -= probs[i];
            if (r < 0) {
                return id(i);
            }
        }
        return id(count - 1);
    }

    private int id(int i) {
        return (int) keys[i];
    }
}
