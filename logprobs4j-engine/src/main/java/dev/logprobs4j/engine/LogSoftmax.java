package dev.logprobs4j.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Log-softmax of raw logits: {@code logprob(i) = logits[i] - logsumexp(logits)}, the model's own
 * probabilities before temperature or any truncation by a sampler. Stateless and thread-safe.
 *
 * <p>{@link #logSumExp} runs on the Vector API: the maximum lane-parallel, then {@code exp} of
 * each lane (the JDK's vector math library) summed in float over blocks of {@value #BLOCK} values
 * and the block sums in double, so the relative error of the sum stays near float rounding
 * (about 1e-7 nats in the result). {@link #logSumExpScalar}, all in double, is its twin and test
 * oracle; system property {@code logprobs4j.kernels=scalar} selects it.
 */
public final class LogSoftmax {
    /** Values summed in float lanes before the sum moves to double. */
    private static final int BLOCK = 1024;

    // The preferred species: on this code path exp dominates, and it is as wide as the CPU allows.
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final boolean VECTOR = F.length() >= 8
            && !"scalar".equalsIgnoreCase(System.getProperty("logprobs4j.kernels", "vector"));

    private LogSoftmax() {}

    /** {@code log(sum(exp(logits[off .. off+n))))}, stable for any magnitude. */
    public static double logSumExp(float[] logits, int off, int n) {
        java.util.Objects.checkFromIndexSize(off, n, logits.length);
        return VECTOR ? logSumExpVector(logits, off, n) : logSumExpScalar(logits, off, n);
    }

    /** {@link #logSumExp(float[], int, int)} over the whole array. */
    public static double logSumExp(float[] logits) {
        return logSumExp(logits, 0, logits.length);
    }

    /** Scalar twin of {@link #logSumExp}: the maximum, then {@code exp} and the sum in double. */
    public static double logSumExpScalar(float[] logits, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY || Float.isNaN(max)) {
            return max;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp((double) logits[off + i] - max);
        }
        return max + Math.log(sum);
    }

    static double logSumExpVector(float[] logits, int off, int n) {
        int bound = F.loopBound(n);
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < bound; i += F.length()) {
            m = m.max(FloatVector.fromArray(F, logits, off + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (int i = bound; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        if (max == Float.NEGATIVE_INFINITY || max == Float.POSITIVE_INFINITY || Float.isNaN(max)) {
            return max;
        }
        FloatVector mv = FloatVector.broadcast(F, max);
        double sum = 0;
        int i = 0;
        while (i < bound) {
            int end = Math.min(bound, i + BLOCK);
            FloatVector acc = FloatVector.zero(F);
            for (; i < end; i += F.length()) {
                acc = acc.add(FloatVector.fromArray(F, logits, off + i).sub(mv).lanewise(VectorOperators.EXP));
            }
            sum += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            sum += Math.exp((double) logits[off + i] - max);
        }
        return max + Math.log(sum);
    }

    /** The logprob of {@code logits[off + token]} given their log-sum-exp, clamped to at most 0 (rounding can exceed it). */
    public static double logprob(float[] logits, int off, int token, double logSumExp) {
        return Math.min(0, logits[off + token] - logSumExp);
    }
}
