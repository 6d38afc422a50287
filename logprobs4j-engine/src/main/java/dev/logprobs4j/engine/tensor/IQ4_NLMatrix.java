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
 * An IQ4_NL weight matrix: blocks of 32 weights stored as a half-precision {@code d} and 16 bytes
 * of nibbles laid out as Q4_0's; a nibble indexes the non-linear grid {@link #VALUES} and a weight
 * is {@code d * VALUES[nibble]}. Immutable and thread-safe.
 */
final class IQ4_NLMatrix extends QuantizedMatrix {

    /** ggml's {@code kvalues_iq4nl}: 16 levels, denser near zero where weights cluster. */
    static final byte[] VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    /** The grid in one 128-bit vector: a lane-wise table lookup ({@code selectFrom}) decodes 16 nibbles at once. */
    static final ByteVector TABLE = ByteVector.fromArray(Kernels.B16, VALUES, 0);

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 2 + BLOCK / 2;
    private static final int QS = 2;

    IQ4_NLMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    /** The grid value of weight {@code k} of the block at {@code block}. */
    private int quant(long block, int k) {
        int packed = Kernels.u8(data, block + QS + k % 16);
        return VALUES[k < 16 ? packed & 0xF : packed >>> 4];
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
            for (int k = 0; k < BLOCK; k++) {
                qx += quant(block, k) * x[xBase + k];
            }
            sum += Kernels.f16(data, block) * qx;
        }
        return sum;
    }

    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_0;
    }

    @Override
    float scalarDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        int blocks = cols / BLOCK;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = aRow * cols + b * BLOCK;
            int dot = 0;
            for (int k = 0; k < BLOCK; k++) {
                dot += quant(block, k) * q[qAt + k];
            }
            sum += dot * (Kernels.f16(data, block) * a.d[aRow * blocks + b]);
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
            ByteVector packed = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS, LE);
            ShortVector low = (ShortVector) packed.and((byte) 0xF).selectFrom(TABLE).castShape(Kernels.S16, 0);
            ShortVector high = (ShortVector) packed.lanewise(VectorOperators.LSHR, 4).selectFrom(TABLE).castShape(Kernels.S16, 0);
            // Products are at most 127 * 127, so two add in 16 bits (32258 < 32767).
            IntVector dots = low.mul(ShortVector.fromArray(Kernels.S16, q, qAt))
                    .add(high.mul(ShortVector.fromArray(Kernels.S16, q, qAt + 16))).reinterpretAsInts();
            FloatVector dotF = (FloatVector) dots.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(dots.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc = dotF.fma(FloatVector.broadcast(Kernels.F8, Kernels.f16(data, block) * a.d[aRow * blocks + b]), acc);
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
     * kernels). The 16 nibble bytes are looked up in the grid with one byte shuffle per half
     * (the high nibbles shifted down within 16-bit lanes, as x86 has no byte shifts); the grid value
     * times d rounds as dequantize does.
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
            ByteVector q = ByteVector.fromMemorySegment(Kernels.B16, data, block + QS, LE);
            ((FloatVector) q.and((byte) 0x0F).selectFrom(TABLE).castShape(F, 0)).mul(d).intoArray(out, outOffset + b * BLOCK);
            ((FloatVector) q.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .selectFrom(TABLE).castShape(F, 0)).mul(d).intoArray(out, outOffset + b * BLOCK + 16);
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
            ByteVector q0 = ByteVector.fromMemorySegment(Kernels.B16, data, o0 + k + QS, LE);
            a0 = ((FloatVector) q0.and((byte) 0x0F).selectFrom(TABLE).castShape(F, 0)).mul(d0).fma(xLow, a0);
            a0 = ((FloatVector) q0.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .selectFrom(TABLE).castShape(F, 0)).mul(d0).fma(xHigh, a0);
            float d1 = Kernels.f16(data, o1 + k);
            ByteVector q1 = ByteVector.fromMemorySegment(Kernels.B16, data, o1 + k + QS, LE);
            a1 = ((FloatVector) q1.and((byte) 0x0F).selectFrom(TABLE).castShape(F, 0)).mul(d1).fma(xLow, a1);
            a1 = ((FloatVector) q1.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .selectFrom(TABLE).castShape(F, 0)).mul(d1).fma(xHigh, a1);
            float d2 = Kernels.f16(data, o2 + k);
            ByteVector q2 = ByteVector.fromMemorySegment(Kernels.B16, data, o2 + k + QS, LE);
            a2 = ((FloatVector) q2.and((byte) 0x0F).selectFrom(TABLE).castShape(F, 0)).mul(d2).fma(xLow, a2);
            a2 = ((FloatVector) q2.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .selectFrom(TABLE).castShape(F, 0)).mul(d2).fma(xHigh, a2);
            float d3 = Kernels.f16(data, o3 + k);
            ByteVector q3 = ByteVector.fromMemorySegment(Kernels.B16, data, o3 + k + QS, LE);
            a3 = ((FloatVector) q3.and((byte) 0x0F).selectFrom(TABLE).castShape(F, 0)).mul(d3).fma(xLow, a3);
            a3 = ((FloatVector) q3.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                    .selectFrom(TABLE).castShape(F, 0)).mul(d3).fma(xHigh, a3);
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
