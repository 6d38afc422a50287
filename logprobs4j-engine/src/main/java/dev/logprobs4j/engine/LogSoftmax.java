package dev.logprobs4j.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Log-softmax of raw logits: {@code logprob(i) = logits[i] - logsumexp(logits)}, the model's own
 * probabilities before temperature or any truncation by a sampler. Stateless and thread-safe.
 *
 * <p>{@link #logSumExp} runs on the Vector API: the maximum lane-parallel, then {@code exp} of each
 * lane summed in float over blocks of {@value #BLOCK} values and the block sums in double, so the
 * relative error of the sum stays near float rounding (about 1e-7 nats in the result). The
 * {@code exp} is a fixed polynomial (Cephes' expf: range reduction by ln 2, degree-6 polynomial,
 * about 1 ulp) built from lane-wise IEEE operations, and lanes are summed in a fixed order: the
 * JDK's {@code lanewise(EXP)} and {@code reduceLanes(ADD)} give different bits compiled and
 * interpreted, which would make a generation's logprobs depend on the JIT's progress.
 * {@link #logSumExpScalar}, all in double, is its twin and test oracle; system property
 * {@code logprobs4j.kernels=scalar} selects it.
 */
public final class LogSoftmax {
    /** Values summed in float lanes before the sum moves to double. */
    private static final int BLOCK = 1024;

    // The preferred species: on this code path exp dominates, and it is as wide as the CPU allows.
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final boolean VECTOR = F.length() >= 8
            && !"scalar".equalsIgnoreCase(System.getProperty("logprobs4j.kernels", "vector"));

    private static final VectorShuffle<Float>[] FOLDS = folds();
    // Cephes expf: exp(x) = 2^n * p(r), n = round(x / ln 2), r = x - n ln 2 with ln 2 split in two.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float EXP_MIN = -87.3f; // exp below this is < 2^-126: negligible next to the maximum's 1
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding it rounds to an integer kept in the low bits
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

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
                acc = acc.add(exp(FloatVector.fromArray(F, logits, off + i).sub(mv)));
            }
            sum += sumLanes(acc);
        }
        for (; i < n; i++) {
            sum += Math.exp((double) logits[off + i] - max);
        }
        return max + Math.log(sum);
    }

    /** {@code exp(x)} for {@code x <= 0}, lane-wise (see the class comment). */
    static FloatVector exp(FloatVector x) {
        x = x.max(EXP_MIN);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(F, P2));
        p = p.fma(r, FloatVector.broadcast(F, P3));
        p = p.fma(r, FloatVector.broadcast(F, P4));
        p = p.fma(r, FloatVector.broadcast(F, P5));
        p = p.mul(r.mul(r)).add(r).add(1f);
        // 2^n from the integer in t's low bits: exponent field n + 127.
        IntVector bits = t.reinterpretAsInts().sub(Float.floatToRawIntBits(ROUND) - 127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(F.length());
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int s = 0, half = F.length() / 2; s < steps; s++, half /= 2) {
            int h = half;
            f[s] = VectorShuffle.fromOp(F, i -> (i + h) % F.length());
        }
        return f;
    }

    /** The lanes summed by halving folds, an order that does not depend on compilation. */
    private static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> fold : FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }

    /** The logprob of {@code logits[off + token]} given their log-sum-exp, clamped to at most 0 (rounding can exceed it). */
    public static double logprob(float[] logits, int off, int token, double logSumExp) {
        return Math.min(0, logits[off + token] - logSumExp);
    }
}
