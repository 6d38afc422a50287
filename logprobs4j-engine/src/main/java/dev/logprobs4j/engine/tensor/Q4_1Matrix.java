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
 * A Q4_1 weight matrix: blocks of 32 weights stored as half-precision {@code d} and {@code m}
 * and 16 bytes of nibbles laid out as Q4_0's (weight {@code i} low, {@code i + 16} high); a
 * weight is {@code d * nibble + m}. Immutable and thread-safe.
 */
final class Q4_1Matrix extends QuantizedMatrix {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 2 + 2 + BLOCK / 2;
    private static final int QS = 4;

    Q4_1Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    /** The nibble (0..15) of weight {@code k} of the block at {@code block}. */
    private int quant(long block, int k) {
        int packed = Kernels.u8(data, block + QS + k % 16);
        return k < 16 ? packed & 0xF : packed >>> 4;
    }

    private float weight(long rowOffset, int i) {
        long block = rowOffset + (long) (i / BLOCK) * BLOCK_BYTES;
        return Kernels.f16(data, block) * quant(block, i % BLOCK) + Kernels.f16(data, block + 2);
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int xBase = xOffset + b * BLOCK;
            float qx = 0f;
            float xs = 0f;
            for (int k = 0; k < BLOCK; k++) {
                qx += quant(block, k) * x[xBase + k];
                xs += x[xBase + k];
            }
            sum += Kernels.f16(data, block) * qx + Kernels.f16(data, block + 2) * xs;
        }
        return sum;
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        // llama.cpp pairs Q4_1 with Q8_1, which is Q8_0 plus each block's scaled quant sum; that
        // sum is computed here from the quants (exact, where Q8_1 stores it rounded to half).
        return QuantizedActivations.Kind.Q8_0;
    }

    /** With x = xd * xq a block contributes xd * (d * sum q_i xq_i + m * sum xq_i). */
    @Override
    float scalarDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = aRow * cols + b * BLOCK;
            int dot = 0;
            int xs = 0;
            for (int k = 0; k < BLOCK; k++) {
                dot += quant(block, k) * q[qAt + k];
                xs += q[qAt + k];
            }
            float xd = a.d[aRow * blocks + b];
            sum += dot * (Kernels.f16(data, block) * xd) + xs * (Kernels.f16(data, block + 2) * xd);
        }
        return sum;
    }

    @Override
    float vectorDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        int blocks = cols / BLOCK;
        FloatVector acc = FloatVector.zero(Kernels.F8);
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = aRow * cols + b * BLOCK;
            float xd = a.d[aRow * blocks + b];
            ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + QS, LE)
                    .castShape(Kernels.S16, 0);
            ShortVector x0 = ShortVector.fromArray(Kernels.S16, q, qAt);
            ShortVector x1 = ShortVector.fromArray(Kernels.S16, q, qAt + 16);
            // Products are at most 15 * 127 and quants at most 127: two of either add in 16 bits.
            IntVector dots = packed.and((short) 0xF).mul(x0)
                    .add(packed.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).mul(x1)).reinterpretAsInts();
            IntVector sums = x0.add(x1).reinterpretAsInts();
            FloatVector dotF = (FloatVector) dots.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(dots.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            FloatVector sumF = (FloatVector) sums.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(sums.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc = dotF.fma(FloatVector.broadcast(Kernels.F8, Kernels.f16(data, block) * xd), acc);
            acc = sumF.fma(FloatVector.broadcast(Kernels.F8, Kernels.f16(data, block + 2) * xd), acc);
        }
        return Kernels.sumLanes(acc);
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
     * kernels). Nibbles are split as Q4_0's (the high one read in place as 16 * (nibble - 8), exact
     * in float); d * q + m then rounds as dequantize does.
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
            float m = Kernels.f16(data, block + 2);
            ByteVector q = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS, LE);
            ((FloatVector) q.and((byte) 0x0F).castShape(F, 0)).mul(d).add(m).intoArray(out, outOffset + b * BLOCK);
            ((FloatVector) q.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f).mul(d).add(m).intoArray(out, outOffset + b * BLOCK + 16);
        }
    }

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        if (!Kernels.VECTOR16) {
            Tiles.dot4Decoded(this, o0, o1, o2, o3, x, xOffset, out, at, valid);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long k = (long) b * BLOCK_BYTES;
            int xb = xOffset + b * BLOCK;
            FloatVector xLow = FloatVector.fromArray(F, x, xb);
            FloatVector xHigh = FloatVector.fromArray(F, x, xb + 16);
            float d0 = Kernels.f16(data, o0 + k);
            float m0 = Kernels.f16(data, o0 + k + 2);
            ByteVector q0 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + k + QS, LE);
            a0 = ((FloatVector) q0.and((byte) 0x0F).castShape(F, 0)).mul(d0).add(m0).fma(xLow, a0);
            a0 = ((FloatVector) q0.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f).mul(d0).add(m0).fma(xHigh, a0);
            float d1 = Kernels.f16(data, o1 + k);
            float m1 = Kernels.f16(data, o1 + k + 2);
            ByteVector q1 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + k + QS, LE);
            a1 = ((FloatVector) q1.and((byte) 0x0F).castShape(F, 0)).mul(d1).add(m1).fma(xLow, a1);
            a1 = ((FloatVector) q1.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f).mul(d1).add(m1).fma(xHigh, a1);
            float d2 = Kernels.f16(data, o2 + k);
            float m2 = Kernels.f16(data, o2 + k + 2);
            ByteVector q2 = ByteVector.fromMemorySegment(Kernels.B16, data, o2 + k + QS, LE);
            a2 = ((FloatVector) q2.and((byte) 0x0F).castShape(F, 0)).mul(d2).add(m2).fma(xLow, a2);
            a2 = ((FloatVector) q2.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f).mul(d2).add(m2).fma(xHigh, a2);
            float d3 = Kernels.f16(data, o3 + k);
            float m3 = Kernels.f16(data, o3 + k + 2);
            ByteVector q3 = ByteVector.fromMemorySegment(Kernels.B16, data, o3 + k + QS, LE);
            a3 = ((FloatVector) q3.and((byte) 0x0F).castShape(F, 0)).mul(d3).add(m3).fma(xLow, a3);
            a3 = ((FloatVector) q3.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f).add(8f).mul(d3).add(m3).fma(xHigh, a3);
        }
        Kernels.store4(out, at, valid, Kernels.sumLanes(a0), Kernels.sumLanes(a1), Kernels.sumLanes(a2),
                Kernels.sumLanes(a3));
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
