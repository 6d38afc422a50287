package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.B;
import static dev.logprobs4j.engine.tensor.Kernels.F;
import static dev.logprobs4j.engine.tensor.Kernels.LE;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A Q4_0 weight matrix: blocks of 32 weights stored as a half-precision scale {@code d} and 16
 * bytes; byte {@code i} holds weight {@code i} in its low nibble and weight {@code i + 16} in its
 * high nibble, each meaning {@code d * (nibble - 8)}. Immutable and thread-safe.
 */
final class Q4_0Matrix extends QuantizedMatrix {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 2 + BLOCK / 2;

    /** The 16 bytes of a block in one vector; the float kernels need {@link Kernels#F} to have 16 lanes. */
    private static final VectorSpecies<Byte> Q = ByteVector.SPECIES_128;

    Q4_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int xBase = xOffset + b * BLOCK;
            float blockSum = 0f;
            for (int i = 0; i < BLOCK / 2; i++) {
                int packed = Kernels.u8(data, block + 2 + i);
                blockSum += ((packed & 0xF) - 8) * x[xBase + i];
                blockSum += ((packed >>> 4) - 8) * x[xBase + i + BLOCK / 2];
            }
            sum += Kernels.f16(data, block) * blockSum;
        }
        return sum;
    }

    /*
     * Float kernels: a block's 16 weights per nibble half take one of 16 values, d * (q - 8), so
     * each block builds that table once (one multiply of a constant vector) and looks the weights
     * up with a lane permute indexed by the nibbles (widened to int lanes, the high ones by a
     * shift). The table entries are d * (q - 8) exactly as dequantize computes them, so the
     * weights are bit for bit the same. Everything is written out in the kernel: helpers
     * returning vectors were not inlined once the body grew (C2's node budget), and a vector
     * returned from a call is boxed.
     */

    /** Int lanes as wide as {@link Kernels#F}: the nibbles, widened, index the table. */
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;

    /** q - 8 for q = 0..15, one per lane: the table of a block is this times d. */
    private static final FloatVector CENTRED = FloatVector.fromArray(Kernels.F,
            new float[] {-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7}, 0);

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        dot4ByRows(o0, o1, o2, o3, x, xOffset, out, at, valid);
    }

    /** The row at {@code o} times x, its accumulator stored to {@code acc[spill..]}. */
    @Override
    void dot1(long o, float[] x, int xOffset, float[] acc, int spill) {
        FloatVector a = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long k = o + (long) b * BLOCK_BYTES;
            int xb = xOffset + b * BLOCK;
            IntVector t = CENTRED.mul(Kernels.f16(data, k)).reinterpretAsInts();
            IntVector q = (IntVector) ByteVector.fromMemorySegment(Q, data, k + 2, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            a = q.and(0xF).selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xb), a);
            a = q.lanewise(VectorOperators.LSHR, 4).selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xb + BLOCK / 2), a);
        }
        a.intoArray(acc, spill);
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            IntVector table = CENTRED.mul(Kernels.f16(data, block)).reinterpretAsInts();
            IntVector q = (IntVector) ByteVector.fromMemorySegment(Q, data, block + 2, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            q.and(0xF).selectFrom(table).reinterpretAsFloats().intoArray(out, outOffset + b * BLOCK);
            q.lanewise(VectorOperators.LSHR, 4).selectFrom(table).reinterpretAsFloats()
                    .intoArray(out, outOffset + b * BLOCK + BLOCK / 2);
        }
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
            int blockSum = 0;
            for (int i = 0; i < BLOCK / 2; i++) {
                int packed = Kernels.u8(data, block + 2 + i);
                blockSum += ((packed & 0xF) - 8) * q[qAt + i] + ((packed >>> 4) - 8) * q[qAt + i + BLOCK / 2];
            }
            sum += blockSum * (Kernels.f16(data, block) * a.d[aRow * blocks + b]);
        }
        return sum;
    }

    @Override
    float vectorDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        float[] scales = a.d;
        int blocks = cols / BLOCK;
        int qBase = aRow * cols;
        int dBase = aRow * blocks;
        // One block per iteration and one accumulator: a second unrolled copy of the inlined
        // vector code pushes C2 past its node budget, and then even f16() is left as a call. The
        // block product is written out here, not in a helper: a helper returning a vector that C2
        // declines to inline (it judges by size and call counts at compile time) returns a boxed
        // vector, an allocation per block.
        FloatVector acc = FloatVector.zero(Kernels.F8);
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = qBase + b * BLOCK;
            float scale = Kernels.f16(data, block) * scales[dBase + b];
            // Widened to shorts before the nibbles are split: x86 has no byte shifts. Products
            // are at most 8 * 127 in magnitude, so two add in 16 bits.
            ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + 2, LE)
                    .castShape(Kernels.S16, 0);
            ShortVector low = packed.and((short) 0xF).sub((short) 8);
            ShortVector high = packed.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).sub((short) 8);
            IntVector pairs = low.mul(ShortVector.fromArray(Kernels.S16, q, qAt))
                    .add(high.mul(ShortVector.fromArray(Kernels.S16, q, qAt + BLOCK / 2))).reinterpretAsInts();
            FloatVector sums = (FloatVector) pairs.lanewise(VectorOperators.LSHL, 16)
                    .lanewise(VectorOperators.ASHR, 16).add(pairs.lanewise(VectorOperators.ASHR, 16))
                    .convert(VectorOperators.I2F, 0);
            acc = sums.fma(FloatVector.broadcast(Kernels.F8, scale), acc);
        }
        return Kernels.sumLanes(acc);
    }

    /**
     * Four activation rows per pass: each weight block is loaded and its nibbles split once, then
     * the same operations as {@link #vectorDotQ}, in the same order, run for each row.
     */
    @Override
    void vectorDotQ4(long rowOffset, QuantizedActivations a, int aRow, float[] out, int at, int stride) {
        short[] q = a.q;
        float[] scales = a.d;
        int blocks = cols / BLOCK;
        int q0 = aRow * cols;
        int d0 = aRow * blocks;
        FloatVector acc0 = FloatVector.zero(Kernels.F8);
        FloatVector acc1 = FloatVector.zero(Kernels.F8);
        FloatVector acc2 = FloatVector.zero(Kernels.F8);
        FloatVector acc3 = FloatVector.zero(Kernels.F8);
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            ShortVector packed = (ShortVector) ByteVector.fromMemorySegment(Kernels.B16, data, block + 2, LE)
                    .castShape(Kernels.S16, 0);
            ShortVector low = packed.and((short) 0xF).sub((short) 8);
            ShortVector high = packed.lanewise(VectorOperators.LSHR, 4).and((short) 0xF).sub((short) 8);
            int qAt = q0 + b * BLOCK;
            int dAt = d0 + b;
            IntVector p0 = low.mul(ShortVector.fromArray(Kernels.S16, q, qAt))
                    .add(high.mul(ShortVector.fromArray(Kernels.S16, q, qAt + BLOCK / 2))).reinterpretAsInts();
            IntVector p1 = low.mul(ShortVector.fromArray(Kernels.S16, q, qAt + cols))
                    .add(high.mul(ShortVector.fromArray(Kernels.S16, q, qAt + cols + BLOCK / 2))).reinterpretAsInts();
            IntVector p2 = low.mul(ShortVector.fromArray(Kernels.S16, q, qAt + 2 * cols))
                    .add(high.mul(ShortVector.fromArray(Kernels.S16, q, qAt + 2 * cols + BLOCK / 2)))
                    .reinterpretAsInts();
            IntVector p3 = low.mul(ShortVector.fromArray(Kernels.S16, q, qAt + 3 * cols))
                    .add(high.mul(ShortVector.fromArray(Kernels.S16, q, qAt + 3 * cols + BLOCK / 2)))
                    .reinterpretAsInts();
            acc0 = ((FloatVector) p0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p0.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.F8, d * scales[dAt]), acc0);
            acc1 = ((FloatVector) p1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p1.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.F8, d * scales[dAt + blocks]), acc1);
            acc2 = ((FloatVector) p2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p2.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.F8, d * scales[dAt + 2 * blocks]), acc2);
            acc3 = ((FloatVector) p3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p3.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.F8, d * scales[dAt + 3 * blocks]), acc3);
        }
        out[at] = Kernels.sumLanes(acc0);
        out[at + stride] = Kernels.sumLanes(acc1);
        out[at + 2 * stride] = Kernels.sumLanes(acc2);
        out[at + 3 * stride] = Kernels.sumLanes(acc3);
    }

    @Override
    void computeRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        if (!Kernels.VECTOR16) {
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

    @Override
    void computeRowsQ(int from, int to, QuantizedActivations a, float[] out, int outOffset) {
        // A copy per class keeps these call sites monomorphic (see SegmentMatrix.computeRows).
        int batch = a.batch;
        for (int r = from; r < to; r++) {
            long rowOffset = r * rowBytes;
            int b = 0;
            if (Kernels.VECTOR) {
                // Prefill: four activation rows per pass over the weight row.
                for (; b + 4 <= batch; b += 4) {
                    vectorDotQ4(rowOffset, a, b, out, outOffset + b * rows + r, rows);
                }
            }
            for (; b < batch; b++) {
                out[outOffset + b * rows + r] = Kernels.VECTOR ? vectorDotQ(rowOffset, a, b) : scalarDotQ(rowOffset, a, b);
            }
        }
    }

    @Override
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            int base = outOffset + b * BLOCK;
            for (int i = 0; i < BLOCK / 2; i++) {
                int packed = Kernels.u8(data, block + 2 + i);
                out[base + i] = d * ((packed & 0xF) - 8);
                out[base + i + BLOCK / 2] = d * ((packed >>> 4) - 8);
            }
        }
    }
}
