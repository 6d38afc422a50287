package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.F;
import static dev.logprobs4j.engine.tensor.Kernels.LE;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * A Q5_0 weight matrix: blocks of 32 weights stored as a half-precision {@code d}, a 32-bit word
 * {@code qh} of fifth bits (bit {@code i} for weight {@code i}) and 16 bytes of nibbles laid out as
 * Q4_0's; a weight is {@code d * (nibble + 16 * bit - 16)}. Immutable and thread-safe.
 */
final class Q5_0Matrix extends QuantizedMatrix {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 2 + 4 + BLOCK / 2;
    private static final int QH = 2;
    private static final int QS = 6;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);

    Q5_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    /** The quant of weight {@code k} of the block at {@code block}, minus 16. */
    private int quant(long block, int k) {
        int packed = Kernels.u8(data, block + QS + k % 16);
        int low = k < 16 ? packed & 0xF : packed >>> 4;
        return (low | ((data.get(LE_INT, block + QH) >>> k) & 1) << 4) - 16;
    }

    private float weight(long rowOffset, int i) {
        long block = rowOffset + (long) (i / BLOCK) * BLOCK_BYTES;
        return Kernels.f16(data, block) * quant(block, i % BLOCK);
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
            sum += Kernels.f16(data, block) * qx;
        }
        return sum;
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_0;
    }

    /** With x = xd * xq a block contributes xd * (d * sum q_i xq_i). */
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
            sum += dot * (Kernels.f16(data, block) * xd);
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
            int qh = data.get(LE_INT, block + QH);
            ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + QS, LE)
                    .castShape(Kernels.S16, 0);
            ShortVector low = packed.and((short) 0xF)
                    .lanewise(VectorOperators.OR, (short) 16, VectorMask.fromLong(Kernels.S16, qh & 0xFFFF)).sub((short) 16);
            ShortVector high = packed.lanewise(VectorOperators.LSHR, 4).and((short) 0xF)
                    .lanewise(VectorOperators.OR, (short) 16, VectorMask.fromLong(Kernels.S16, qh >>> 16)).sub((short) 16);
            ShortVector x0 = ShortVector.fromArray(Kernels.S16, q, qAt);
            ShortVector x1 = ShortVector.fromArray(Kernels.S16, q, qAt + 16);
            // Products are at most 16 * 127 in magnitude, so two add in 16 bits.
            IntVector dots = low.mul(x0).add(high.mul(x1)).reinterpretAsInts();
            FloatVector dotF = (FloatVector) dots.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(dots.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc = dotF.fma(FloatVector.broadcast(Kernels.F8, Kernels.f16(data, block) * xd), acc);
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
     * kernels). A block's 16 nibble bytes are split as Q4_0's; the fifth bits of weights 0-15 and
     * 16-31 become two lane masks straight from the word qh, and a masked add puts in their 16.
     * Every step before the multiply by d is exact, so the weights are dequantize's bit for bit.
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
            int qh = data.get(LE_INT, block + QH);
            ByteVector q = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS, LE);
            ((FloatVector) q.and((byte) 0x0F).castShape(F, 0)).add(SIXTEEN, VectorMask.fromLong(F, qh & 0xFFFF)).sub(16f).mul(d)
                    .intoArray(out, outOffset + b * BLOCK);
            ((FloatVector) q.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f)
                    .add(SIXTEEN, VectorMask.fromLong(F, qh >>> 16)).sub(8f).mul(d).intoArray(out, outOffset + b * BLOCK + 16);
        }
    }

    private static final FloatVector SIXTEEN = Kernels.VECTOR16 ? FloatVector.broadcast(F, 16f) : null;

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
            int h0 = data.get(LE_INT, o0 + k + QH);
            ByteVector q0 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + k + QS, LE);
            a0 = ((FloatVector) q0.and((byte) 0x0F).castShape(F, 0)).add(SIXTEEN, VectorMask.fromLong(F, h0 & 0xFFFF)).sub(16f)
                    .mul(d0).fma(xLow, a0);
            a0 = ((FloatVector) q0.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f)
                    .add(SIXTEEN, VectorMask.fromLong(F, h0 >>> 16)).sub(8f).mul(d0).fma(xHigh, a0);
            float d1 = Kernels.f16(data, o1 + k);
            int h1 = data.get(LE_INT, o1 + k + QH);
            ByteVector q1 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + k + QS, LE);
            a1 = ((FloatVector) q1.and((byte) 0x0F).castShape(F, 0)).add(SIXTEEN, VectorMask.fromLong(F, h1 & 0xFFFF)).sub(16f)
                    .mul(d1).fma(xLow, a1);
            a1 = ((FloatVector) q1.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f)
                    .add(SIXTEEN, VectorMask.fromLong(F, h1 >>> 16)).sub(8f).mul(d1).fma(xHigh, a1);
            float d2 = Kernels.f16(data, o2 + k);
            int h2 = data.get(LE_INT, o2 + k + QH);
            ByteVector q2 = ByteVector.fromMemorySegment(Kernels.B16, data, o2 + k + QS, LE);
            a2 = ((FloatVector) q2.and((byte) 0x0F).castShape(F, 0)).add(SIXTEEN, VectorMask.fromLong(F, h2 & 0xFFFF)).sub(16f)
                    .mul(d2).fma(xLow, a2);
            a2 = ((FloatVector) q2.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f)
                    .add(SIXTEEN, VectorMask.fromLong(F, h2 >>> 16)).sub(8f).mul(d2).fma(xHigh, a2);
            float d3 = Kernels.f16(data, o3 + k);
            int h3 = data.get(LE_INT, o3 + k + QH);
            ByteVector q3 = ByteVector.fromMemorySegment(Kernels.B16, data, o3 + k + QS, LE);
            a3 = ((FloatVector) q3.and((byte) 0x0F).castShape(F, 0)).add(SIXTEEN, VectorMask.fromLong(F, h3 & 0xFFFF)).sub(16f)
                    .mul(d3).fma(xLow, a3);
            a3 = ((FloatVector) q3.and((byte) 0xF0).lanewise(VectorOperators.XOR, (byte) 0x80).castShape(F, 0)).mul(0x1p-4f)
                    .add(SIXTEEN, VectorMask.fromLong(F, h3 >>> 16)).sub(8f).mul(d3).fma(xHigh, a3);
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
