package dev.logprobs4j.engine.tensor;

/**
 * Activation rows quantised to 8 bits, the way llama.cpp quantises the right-hand side of a
 * product with quantised weights, so that each weight block meets its activations in an integer
 * dot product and costs one float multiply per block. Two layouts:
 *
 * <ul>
 *   <li>{@link Kind#Q8_0} (for Q8_0 and Q4_0 weights): blocks of 32 values with scale
 *       {@code d = amax / 127} rounded to half precision, as llama.cpp's {@code block_q8_0}
 *       stores it; {@code q = rint(x * 127 / amax)}.
 *   <li>{@link Kind#Q8_K} (for Q4_K and Q6_K weights): super-blocks of 256 values with a float
 *       scale {@code d = max / -127} where {@code max} is the value of largest magnitude, {@code
 *       q = min(127, rint(x / d))}, plus the sum of the quants of every 32-value sub-block (the
 *       Q4_K minimums need them).
 * </ul>
 *
 * <p>Quants are kept widened to {@code short} so the kernels load them without a conversion,
 * and lie in {@code [-127, 127]}: the kernels rely on that to add two products of a weight byte
 * and a quant in 16 bits without overflow. A mutable scratch buffer, reused across calls by one
 * thread at a time; not thread-safe (readers on other threads must be ordered after {@link
 * #quantize}, as the row pool's job hand-off does).
 */
final class QuantizedActivations {

    /** The block layout of the quantised rows. */
    enum Kind {
        Q8_0(32),
        Q8_K(256);

        final int block;

        Kind(int block) {
            this.block = block;
        }
    }

    Kind kind;
    int cols;
    int batch;
    short[] q = new short[0]; // (batch, cols) quants
    float[] d = new float[0]; // (batch, cols / kind.block) block scales
    int[] sums = new int[0]; // (batch, cols / 32) quant sums per 32 values, Q8_K only

    /**
     * Quantises {@code batch} rows of {@code cols} values stored row-major from {@code
     * x[xOffset]}; {@code cols} must be a multiple of the kind's block.
     */
    void quantize(Kind kind, float[] x, int xOffset, int batch, int cols) {
        this.kind = kind;
        this.cols = cols;
        this.batch = batch;
        int n = batch * cols;
        if (q.length < n) {
            q = new short[n];
            d = new float[n / 32];
            sums = new int[n / 32];
        }
        int blocks = cols / kind.block;
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < blocks; k++) {
                int from = b * cols + k * kind.block;
                if (kind == Kind.Q8_0) {
                    d[b * blocks + k] = quantizeQ8_0Block(x, xOffset + from, q, from);
                } else {
                    d[b * blocks + k] = quantizeQ8_KBlock(x, xOffset + from, q, from, sums, from / 32);
                }
            }
        }
    }

    /** One block of 32: returns its scale, writes its quants to {@code q[qOffset..]}. */
    static float quantizeQ8_0Block(float[] x, int xOffset, short[] q, int qOffset) {
        float amax = 0f;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[xOffset + i]));
        }
        // llama.cpp multiplies by the reciprocal of the unrounded scale but stores the scale as half.
        float id = amax != 0f ? 127f / amax : 0f;
        for (int i = 0; i < 32; i++) {
            q[qOffset + i] = (short) Math.max(-127, Math.min(127, (int) Math.rint(x[xOffset + i] * id)));
        }
        return Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
    }

    /** One super-block of 256: returns its scale, writes its quants and eight 32-value sums. */
    static float quantizeQ8_KBlock(float[] x, int xOffset, short[] q, int qOffset, int[] sums, int sumOffset) {
        float amax = 0f;
        float max = 0f;
        for (int i = 0; i < 256; i++) {
            float ax = Math.abs(x[xOffset + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOffset + i];
            }
        }
        if (amax == 0f) {
            java.util.Arrays.fill(q, qOffset, qOffset + 256, (short) 0);
            java.util.Arrays.fill(sums, sumOffset, sumOffset + 8, 0);
            return 0f;
        }
        float iscale = -127f / max;
        for (int j = 0; j < 8; j++) {
            int sum = 0;
            for (int i = 32 * j; i < 32 * j + 32; i++) {
                int v = Math.min(127, (int) Math.rint(iscale * x[xOffset + i]));
                q[qOffset + i] = (short) v;
                sum += v;
            }
            sums[sumOffset + j] = sum;
        }
        return 1f / iscale;
    }
}
