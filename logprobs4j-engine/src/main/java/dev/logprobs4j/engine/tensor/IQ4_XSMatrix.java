package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.F;
import static dev.logprobs4j.engine.tensor.Kernels.LE;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * An IQ4_XS weight matrix. A super-block of 256 weights is 136 bytes: a half-precision {@code d},
 * a 16-bit word with the top 2 bits of eight 6-bit sub-block scales ({@code scales_h}), 4 bytes
 * with their low 4 bits ({@code scales_l}, sub-block {@code 2i} in the low nibble of byte
 * {@code i}), and 128 bytes of nibbles, 16 per 32-weight sub-block laid out as IQ4_NL's. A weight
 * is {@code d * (scale - 32) * IQ4_NLMatrix.VALUES[nibble]}. Immutable and thread-safe.
 */
final class IQ4_XSMatrix extends QuantizedMatrix {

    private static final int BLOCK = 256;
    private static final int BLOCK_BYTES = 2 + 2 + BLOCK / 64 + BLOCK / 2;
    private static final int SCALES_H = 2;
    private static final int SCALES_L = 4;
    private static final int QS = 8;

    IQ4_XSMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    /** Scale of sub-block {@code ib} (0..7) minus 32: in [-32, 31]. */
    private int scale(long block, int ib) {
        int low = (Kernels.u8(data, block + SCALES_L + ib / 2) >>> (4 * (ib % 2))) & 0xF;
        int high = ((data.get(Kernels.LE_SHORT, block + SCALES_H) & 0xFFFF) >>> (2 * ib)) & 3;
        return (low | high << 4) - 32;
    }

    /** The grid value of weight {@code k} (0..255) of the super-block at {@code block}. */
    private int quant(long block, int k) {
        int packed = Kernels.u8(data, block + QS + 16L * (k / 32) + k % 16);
        return IQ4_NLMatrix.VALUES[k % 32 < 16 ? packed & 0xF : packed >>> 4];
    }

    private float weight(long rowOffset, int i) {
        long block = rowOffset + (long) (i / BLOCK) * BLOCK_BYTES;
        int k = i % BLOCK;
        return Kernels.f16(data, block) * scale(block, k / 32) * quant(block, k);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            int xBase = xOffset + b * BLOCK;
            for (int ib = 0; ib < 8; ib++) {
                float qx = 0f;
                for (int k = 32 * ib; k < 32 * ib + 32; k++) {
                    qx += quant(block, k) * x[xBase + k];
                }
                sum += d * scale(block, ib) * qx;
            }
        }
        return sum;
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_K;
    }

    /** With x = xd * xq a super-block contributes xd * d * sum_ib (scale_ib - 32) * sum_i VALUES[q_i] xq_i. */
    @Override
    float scalarDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = aRow * cols + b * BLOCK;
            int dots = 0;
            for (int ib = 0; ib < 8; ib++) {
                int dot = 0;
                for (int k = 32 * ib; k < 32 * ib + 32; k++) {
                    dot += quant(block, k) * q[qAt + k];
                }
                dots += scale(block, ib) * dot;
            }
            sum += a.d[aRow * blocks + b] * Kernels.f16(data, block) * dots;
        }
        return sum;
    }

    @Override
    float vectorDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int dots = superBlockDotQ(block, a.q, aRow * cols + b * BLOCK);
            // The same float steps as the scalar twin: integer sums are exact, so both agree bit for bit.
            sum += a.d[aRow * blocks + b] * Kernels.f16(data, block) * dots;
        }
        return sum;
    }

    /** The sum of (scale_ib - 32) * VALUES[q_i] * xq_i over a super-block (exact). */
    private int superBlockDotQ(long block, short[] q, int qAt) {
        IntVector dots = IntVector.zero(Kernels.I8);
        for (int ib = 0; ib < 8; ib++) {
            ByteVector packed = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS + 16L * ib, LE);
            ShortVector low = (ShortVector) packed.and((byte) 0xF).selectFrom(IQ4_NLMatrix.TABLE).castShape(Kernels.S16, 0);
            ShortVector high = (ShortVector) packed.lanewise(VectorOperators.LSHR, 4).selectFrom(IQ4_NLMatrix.TABLE)
                    .castShape(Kernels.S16, 0);
            int at = qAt + 32 * ib;
            // Products are at most 127 * 127, so two add in 16 bits (32258 < 32767).
            IntVector p = low.mul(ShortVector.fromArray(Kernels.S16, q, at))
                    .add(high.mul(ShortVector.fromArray(Kernels.S16, q, at + 16))).reinterpretAsInts();
            dots = dots.add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p.lanewise(VectorOperators.ASHR, 16)).mul(scale(block, ib)));
        }
        return dots.reduceLanes(VectorOperators.ADD);
    }

    @Override
    void computeRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        if (!Kernels.VECTOR) {
            scalarRows(from, to, x, xOffset, batch, out, outOffset);
        } else if (batch == 1) {
            int last = to - 1;
            for (int r = from; r < to; r += 4) {
                dot4(r * rowBytes, Math.min(r + 1, last) * rowBytes, Math.min(r + 2, last) * rowBytes,
                        Math.min(r + 3, last) * rowBytes, x, xOffset, out, outOffset + r, Math.min(4, to - r));
            }
        } else {
            float[] panel = Tiles.panel(cols);
            for (int r = from; r < to; r += Tiles.PANEL) {
                int n = Math.min(Tiles.PANEL, to - r);
                for (int i = 0; i < n; i++) {
                    decode((r + i) * rowBytes, panel, i * cols);
                }
                Tiles.multiply(panel, n, cols, x, xOffset, batch, out, outOffset + r, rows);
            }
        }
    }

    /*
     * Float kernels (16 float lanes; elsewhere rows are decoded by dequantize for the Tiles
     * kernels), two rows per body. Each sub-block's 16 nibble bytes are looked up in the IQ4_NL
     * grid as IQ4_NL's kernels do; grid value * (d * scale) rounds as dequantize does.
     */

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        if (!Kernels.VECTOR16) {
            dequantize(rowOffset, out, outOffset);
            return;
        }
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            for (int ib = 0; ib < 8; ib++) {
                float s = d * scale(block, ib);
                ByteVector q = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS + 16L * ib, LE);
                int o = outOffset + b * BLOCK + 32 * ib;
                ((FloatVector) q.and((byte) 0x0F).selectFrom(IQ4_NLMatrix.TABLE).castShape(F, 0)).mul(s).intoArray(out, o);
                ((FloatVector) q.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .selectFrom(IQ4_NLMatrix.TABLE).castShape(F, 0)).mul(s).intoArray(out, o + 16);
            }
        }
    }

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        if (!Kernels.VECTOR16) {
            Tiles.dot4Decoded(this, o0, o1, o2, o3, x, xOffset, out, at, valid);
            return;
        }
        dot2(o0, o1, x, xOffset, out, at, Math.min(valid, 2));
        if (valid > 2) {
            dot2(o2, o3, x, xOffset, out, at + 2, valid - 2);
        }
    }

    private void dot2(long o0, long o1, float[] x, int xOffset, float[] out, int at, int valid) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long k = (long) b * BLOCK_BYTES;
            float d0 = Kernels.f16(data, o0 + k);
            float d1 = Kernels.f16(data, o1 + k);
            for (int ib = 0; ib < 8; ib++) {
                int xs = xOffset + b * BLOCK + 32 * ib;
                FloatVector xLow = FloatVector.fromArray(F, x, xs);
                FloatVector xHigh = FloatVector.fromArray(F, x, xs + 16);
                float s0 = d0 * scale(o0 + k, ib);
                ByteVector q0 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + k + QS + 16L * ib, LE);
                a0 = ((FloatVector) q0.and((byte) 0x0F).selectFrom(IQ4_NLMatrix.TABLE).castShape(F, 0)).mul(s0).fma(xLow, a0);
                a0 = ((FloatVector) q0.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .selectFrom(IQ4_NLMatrix.TABLE).castShape(F, 0)).mul(s0).fma(xHigh, a0);
                float s1 = d1 * scale(o1 + k, ib);
                ByteVector q1 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + k + QS + 16L * ib, LE);
                a1 = ((FloatVector) q1.and((byte) 0x0F).selectFrom(IQ4_NLMatrix.TABLE).castShape(F, 0)).mul(s1).fma(xLow, a1);
                a1 = ((FloatVector) q1.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                        .selectFrom(IQ4_NLMatrix.TABLE).castShape(F, 0)).mul(s1).fma(xHigh, a1);
            }
        }
        out[at] = Kernels.sumLanes(a0);
        if (valid > 1) {
            out[at + 1] = Kernels.sumLanes(a1);
        }
    }

    @Override
    void computeRowsQ(int from, int to, QuantizedActivations a, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        int batch = a.batch;
        for (int r = from; r < to; r++) {
            long rowOffset = r * rowBytes;
            for (int b = 0; b < batch; b++) {
                out[outOffset + b * rows + r] = Kernels.VECTOR ? vectorDotQ(rowOffset, a, b) : scalarDotQ(rowOffset, a, b);
            }
        }
    }

    @Override
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int i = 0; i < cols; i++) {
            out[outOffset + i] = weight(rowOffset, i);
        }
    }
}
