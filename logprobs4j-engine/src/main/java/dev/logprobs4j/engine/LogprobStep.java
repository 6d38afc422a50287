package dev.logprobs4j.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The logprob step of one distribution, shared by generation, batched decode and scoring: the
 * log-sum-exp of the logits ({@link LogSoftmax}), the chosen token's logprob, and the {@code topK}
 * most likely tokens (most likely first, lower id first on ties) with theirs, all in primitive
 * arrays. Logprobs are clamped to at most 0.
 *
 * <p>Mutable: each {@link #compute} overwrites the previous result, so one instance serves every
 * step of a generation without allocating. Not thread-safe.
 */
public final class LogprobStep {
    private final int topK;
    private final int[] topIds;
    private final double[] topLogprobs;
    private int topCount;
    private int token = -1;
    private double logprob;
    private double logSumExp;

    /**
     * @param topK alternatives to find per step, >= 0
     * @throws IllegalArgumentException if {@code topK} is negative
     */
    public LogprobStep(int topK) {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, is " + topK);
        }
        this.topK = topK;
        this.topIds = new int[topK];
        this.topLogprobs = new double[topK];
    }

    /**
     * Computes the step for the distribution {@code logits[off .. off + vocab)} and the chosen
     * {@code token}.
     *
     * @return this, filled
     * @throws IndexOutOfBoundsException if {@code token} is not within {@code [0, vocab)}
     */
    public LogprobStep compute(float[] logits, int off, int vocab, int token) {
        java.util.Objects.checkIndex(token, vocab);
        double lse = LogSoftmax.logSumExp(logits, off, vocab);
        this.logSumExp = lse;
        this.token = token;
        this.logprob = LogSoftmax.logprob(logits, off, token, lse);
        top(logits, off, vocab);
        for (int i = 0; i < topCount; i++) {
            topLogprobs[i] = LogSoftmax.logprob(logits, off, topIds[i], lse);
        }
        return this;
    }

    /** Insertion into a sorted array of at most topK ids: one compare per logit once it is full. */
    private void top(float[] logits, int off, int vocab) {
        int k = Math.min(topK, vocab);
        int size = 0;
        if (k == 0) {
            topCount = 0;
            return;
        }
        float threshold = Float.NEGATIVE_INFINITY; // logit of the last kept id once full
        for (int i = 0; i < vocab; i++) {
            float l = logits[off + i];
            if (size == k && !(l > threshold)) {
                continue;
            }
            int j = size < k ? size++ : k - 1;
            while (j > 0 && l > logits[off + topIds[j - 1]]) {
                topIds[j] = topIds[j - 1];
                j--;
            }
            topIds[j] = i;
            if (size == k) {
                threshold = logits[off + topIds[k - 1]];
            }
        }
        topCount = size;
    }

    /** The token of the last step. */
    public int token() {
        return token;
    }

    /** Its logprob. */
    public double logprob() {
        return logprob;
    }

    /** The log-sum-exp of the last step's logits. */
    public double logSumExp() {
        return logSumExp;
    }

    /** Alternatives found: {@code min(topK, vocab)}. */
    public int topCount() {
        return topCount;
    }

    /** Id of the {@code i}-th most likely token. */
    public int topId(int i) {
        java.util.Objects.checkIndex(i, topCount);
        return topIds[i];
    }

    /** Logprob of the {@code i}-th most likely token. */
    public double topLogprob(int i) {
        java.util.Objects.checkIndex(i, topCount);
        return topLogprobs[i];
    }

    /** An immutable copy of the result. */
    public GenerationStep toGenerationStep() {
        List<IdLogprob> top = new ArrayList<>(topCount);
        for (int i = 0; i < topCount; i++) {
            top.add(new IdLogprob(topIds[i], topLogprobs[i]));
        }
        return new GenerationStep(token, logprob, top);
    }
}
