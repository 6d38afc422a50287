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
 * A Q4_K weight matrix. A super-block of 256 weights is 144 bytes: half-precision {@code d} and
 * {@code dmin}, 12 bytes packing eight 6-bit scales {@code sc} and eight 6-bit mins {@code m}, and
 * 128 bytes of nibbles. Each 64 weights use 32 nibble bytes: low nibbles are the first 32 weights
 * (sub-block {@code 2k}), high nibbles the next 32 (sub-block {@code 2k + 1}); a weight is
 * {@code d * sc * q - dmin * m}. Immutable and thread-safe.
 */
final class Q4_KMatrix extends SegmentMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 2 + 2 + 12 + BLOCK / 2;
    private static final int SCALES = 4;
    private static final int QS = 16;

    Q4_KMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    /**
     * The 6-bit scale (low byte) and min (second byte) of sub-block {@code j} (0..7). Sub-blocks
     * 0..3 keep theirs in the low 6 bits of bytes j and j + 4; sub-blocks 4..7 keep their low 4
     * bits in the nibbles of byte j + 4 and their top 2 bits in the spare top bits of bytes j - 4
     * (scale) and j (min).
     */
    static int scaleMin(MemorySegment data, long scales, int j) {
        int scale;
        int min;
        if (j < 4) {
            scale = Kernels.u8(data, scales + j) & 63;
            min = Kernels.u8(data, scales + j + 4) & 63;
        } else {
            int packed = Kernels.u8(data, scales + j + 4);
            scale = (packed & 0xF) | ((Kernels.u8(data, scales + j - 4) >>> 6) << 4);
            min = (packed >>> 4) | ((Kernels.u8(data, scales + j) >>> 6) << 4);
        }
        return scale | (min << 8);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            float dmin = Kernels.f16(data, block + 2);
            for (int sub = 0; sub < 8; sub++) {
                int sm = scaleMin(data, block + SCALES, sub);
                float scale = d * (sm & 0xFF);
                float min = dmin * (sm >>> 8);
                long qs = block + QS + 32L * (sub / 2);
                int shift = 4 * (sub % 2);
                int xBase = xOffset + b * BLOCK + 32 * sub;
                for (int i = 0; i < 32; i++) {
                    int q = (Kernels.u8(data, qs + i) >>> shift) & 0xF;
                    sum += (scale * q - min) * x[xBase + i];
                }
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
     * One super-block's share of the vector dot product; a method of its own (returning a float,
     * so no vector crosses a call) to keep each compiled body within C2's inlining node budget.
     */
    private float superBlockDot(long block, float[] x, int xBase0) {
        int lanes = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        float d = Kernels.f16(data, block);
        float dmin = Kernels.f16(data, block + 2);
        for (int pair = 0; pair < 4; pair++) {
            int smLow = scaleMin(data, block + SCALES, 2 * pair);
            int smHigh = scaleMin(data, block + SCALES, 2 * pair + 1);
            FloatVector scaleLow = FloatVector.broadcast(F, d * (smLow & 0xFF));
            FloatVector minLow = FloatVector.broadcast(F, -dmin * (smLow >>> 8));
            FloatVector scaleHigh = FloatVector.broadcast(F, d * (smHigh & 0xFF));
            FloatVector minHigh = FloatVector.broadcast(F, -dmin * (smHigh >>> 8));
            long qs = block + QS + 32L * pair;
            int xBase = xBase0 + 64 * pair;
            for (int i = 0; i < 32; i += lanes) {
                ByteVector packed = ByteVector.fromMemorySegment(B, data, qs + i, LE);
                FloatVector low = Kernels.toFloats(packed.and((byte) 0xF)).fma(scaleLow, minLow);
                FloatVector high = Kernels.toFloats(packed.lanewise(VectorOperators.LSHR, 4)).fma(scaleHigh, minHigh);
                acc0 = low.fma(FloatVector.fromArray(F, x, xBase + i), acc0);
                acc1 = high.fma(FloatVector.fromArray(F, x, xBase + 32 + i), acc1);
            }
        }
        return Kernels.sumLanes(acc0.add(acc1));
    }

    @Override
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            float dmin = Kernels.f16(data, block + 2);
            for (int sub = 0; sub < 8; sub++) {
                int sm = scaleMin(data, block + SCALES, sub);
                float scale = d * (sm & 0xFF);
                float min = dmin * (sm >>> 8);
                long qs = block + QS + 32L * (sub / 2);
                int shift = 4 * (sub % 2);
                int base = outOffset + b * BLOCK + 32 * sub;
                for (int i = 0; i < 32; i++) {
                    out[base + i] = scale * ((Kernels.u8(data, qs + i) >>> shift) & 0xF) - min;
                }
            }
        }
    }
}
