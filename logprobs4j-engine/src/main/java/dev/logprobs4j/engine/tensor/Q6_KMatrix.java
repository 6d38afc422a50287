package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.B;
import static dev.logprobs4j.engine.tensor.Kernels.F;
import static dev.logprobs4j.engine.tensor.Kernels.LE;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A Q6_K weight matrix. A super-block of 256 weights is 210 bytes: 128 bytes {@code ql} (low 4
 * bits), 64 bytes {@code qh} (high 2 bits), 16 signed 8-bit scales and a half-precision {@code d}.
 * Each half of 128 weights uses 64 {@code ql}, 32 {@code qh} and 8 scales: for {@code l} in 0..31,
 * weights {@code l, l+32, l+64, l+96} take the low nibble of {@code ql[l]}, the low nibble of
 * {@code ql[l+32]}, the high nibble of {@code ql[l]}, the high nibble of {@code ql[l+32]}, joined
 * with bit pairs 0-1, 2-3, 4-5, 6-7 of {@code qh[l]}; a weight is {@code d * scale[16-weight
 * group] * (q - 32)}. Immutable and thread-safe.
 */
final class Q6_KMatrix extends SegmentMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = BLOCK / 2 + BLOCK / 4 + BLOCK / 16 + 2;
    private static final int QH = 128;
    private static final int SCALES = 192;
    private static final int D = 208;

    Q6_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    /** The 6-bit value (0..63) of weight {@code i} (0..255) of the super-block at {@code block}. */
    private int quant(long block, int i) {
        int half = i / 128;
        int within = i % 128;
        int quarter = within / 32;
        int l = within % 32;
        int low = Kernels.u8(data, block + 64 * half + l + 32 * (quarter & 1));
        low = (quarter < 2 ? low : low >>> 4) & 0xF;
        int high = (Kernels.u8(data, block + QH + 32 * half + l) >>> (2 * quarter)) & 3;
        return low | (high << 4);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            int xBase = xOffset + b * BLOCK;
            for (int i = 0; i < BLOCK; i++) {
                float scale = d * Kernels.i8(data, block + SCALES + i / 16);
                sum += scale * (quant(block, i) - 32) * x[xBase + i];
            }
        }
        return sum;
    }

    @Override
    float vectorDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            sum += superBlockDot(rowOffset + (long) b * BLOCK_BYTES, x, xOffset + b * BLOCK);
        }
        return sum;
    }

    /**
     * One super-block's share of the vector dot product. A method of its own (returning a float,
     * so no vector crosses a call) keeps each compiled body under C2's inlining node budget; one
     * loop over a whole row was too big, and the vector operations were then left un-inlined.
     */
    private float superBlockDot(long block, float[] x, int xBase0) {
        int lanes = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float d = Kernels.f16(data, block + D);
        for (int half = 0; half < 2; half++) {
            long ql = block + 64L * half;
            long qh = block + QH + 32L * half;
            long scales = block + SCALES + 8L * half;
            int xBase = xBase0 + 128 * half;
            // lanes <= 16, so each step stays inside one 16-weight scale group.
            for (int l = 0; l < 32; l += lanes) {
                ByteVector low0 = ByteVector.fromMemorySegment(B, data, ql + l, LE);
                ByteVector low1 = ByteVector.fromMemorySegment(B, data, ql + 32 + l, LE);
                ByteVector high = ByteVector.fromMemorySegment(B, data, qh + l, LE);
                ByteVector q1 = low0.and((byte) 0xF).or(high.and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                ByteVector q2 = low1.and((byte) 0xF)
                        .or(high.lanewise(VectorOperators.LSHR, 2).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                ByteVector q3 = low0.lanewise(VectorOperators.LSHR, 4)
                        .or(high.lanewise(VectorOperators.LSHR, 4).and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                ByteVector q4 = low1.lanewise(VectorOperators.LSHR, 4)
                        .or(high.lanewise(VectorOperators.LSHR, 6).lanewise(VectorOperators.LSHL, 4));
                int group = l / 16;
                float s1 = d * Kernels.i8(data, scales + group);
                float s2 = d * Kernels.i8(data, scales + group + 2);
                float s3 = d * Kernels.i8(data, scales + group + 4);
                float s4 = d * Kernels.i8(data, scales + group + 6);
                acc0 = Kernels.toFloats(q1.sub((byte) 32)).mul(s1).fma(FloatVector.fromArray(F, x, xBase + l), acc0);
                acc1 = Kernels.toFloats(q2.sub((byte) 32)).mul(s2).fma(FloatVector.fromArray(F, x, xBase + 32 + l), acc1);
                acc0 = Kernels.toFloats(q3.sub((byte) 32)).mul(s3).fma(FloatVector.fromArray(F, x, xBase + 64 + l), acc0);
                acc1 = Kernels.toFloats(q4.sub((byte) 32)).mul(s4).fma(FloatVector.fromArray(F, x, xBase + 96 + l), acc1);
            }
        }
        return Kernels.sumLanes(acc0.add(acc1));
    }

    @Override
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block + D);
            int base = outOffset + b * BLOCK;
            for (int i = 0; i < BLOCK; i++) {
                out[base + i] = d * Kernels.i8(data, block + SCALES + i / 16) * (quant(block, i) - 32);
            }
        }
    }
}
