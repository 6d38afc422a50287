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
 * A Q8_0 weight matrix: blocks of 32 weights stored as a half-precision scale {@code d} and 32
 * signed bytes {@code q}; weight {@code i} is {@code d * q[i]}. Immutable and thread-safe.
 */
final class Q8_0Matrix extends QuantizedMatrix {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 2 + BLOCK;

    Q8_0Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int xBase = xOffset + b * BLOCK;
            float blockSum = 0f;
            for (int i = 0; i < BLOCK; i++) {
                blockSum += Kernels.i8(data, block + 2 + i) * x[xBase + i];
            }
            sum += Kernels.f16(data, block) * blockSum;
        }
        return sum;
    }

    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        dot4ByRows(o0, o1, o2, o3, x, xOffset, out, at, valid);
    }

    /**
     * The row at {@code o} times x, its accumulator stored to {@code acc[spill..]}: a block's two
     * 16-weight halves in order (the float kernels run with 16 lanes), weights d * q as decode
     * gives them, so the sum is the tiles' bit for bit.
     */
    @Override
    void dot1(long o, float[] x, int xOffset, float[] acc, int spill) {
        FloatVector a = FloatVector.zero(F);
        for (int b = 0; b < cols / BLOCK; b++) {
            long k = o + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, k);
            int xb = xOffset + b * BLOCK;
            a = Kernels.bytesToFloats(data, k + 2).mul(d).fma(FloatVector.fromArray(F, x, xb), a);
            a = Kernels.bytesToFloats(data, k + 2 + 16).mul(d).fma(FloatVector.fromArray(F, x, xb + 16), a);
        }
        a.intoArray(acc, spill);
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        int lanes = F.length();
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            for (int i = 0; i < BLOCK; i += lanes) {
                Kernels.bytesToFloats(data, block + 2 + i).mul(d).intoArray(out, outOffset + b * BLOCK + i);
            }
        }
    }

    /** Lane-wise partial sums of q[i] * x[i] over one block. */
    @Override
    QuantizedActivations.Kind activationKind() {
        return QuantizedActivations.Kind.Q8_0;
    }

    @Override
    float scalarDotQ(long rowOffset, QuantizedActivations a, int aRow) {
        short[] q = a.q;
        int blocks = cols / BLOCK;
        int qBase = aRow * cols;
        float sum = 0f;
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int blockSum = 0;
            for (int i = 0; i < BLOCK; i++) {
                blockSum += Kernels.i8(data, block + 2 + i) * q[qBase + b * BLOCK + i];
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
        // vector code pushes C2 past its node budget, and then even f16() is left as a call.
        // The block product is written out here, not in a helper: a helper returning a vector
        // that C2 declines to inline (it judges by size and call counts at compile time) returns
        // a boxed vector, an allocation per block.
        int lanes = Kernels.QS.length();
        FloatVector acc = FloatVector.zero(Kernels.QF);
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int qAt = qBase + b * BLOCK;
            float scale = Kernels.f16(data, block) * scales[dBase + b];
            // One step of 32 shorts with 512-bit vectors, two of 16 with 256-bit ones, whose
            // products are added in 16 bits (each is at most 128 * 127 in magnitude, so two fit).
            ShortVector products = ((ShortVector) ByteVector.fromMemorySegment(Kernels.QB, data, block + 2, LE)
                    .castShape(Kernels.QS, 0)).mul(ShortVector.fromArray(Kernels.QS, q, qAt));
            for (int i = lanes; i < BLOCK; i += lanes) {
                products = products.add(((ShortVector) ByteVector.fromMemorySegment(Kernels.QB, data, block + 2 + i, LE)
                        .castShape(Kernels.QS, 0)).mul(ShortVector.fromArray(Kernels.QS, q, qAt + i)));
            }
            IntVector pairs = products.reinterpretAsInts();
            FloatVector sums = (FloatVector) pairs.lanewise(VectorOperators.LSHL, 16)
                    .lanewise(VectorOperators.ASHR, 16).add(pairs.lanewise(VectorOperators.ASHR, 16))
                    .convert(VectorOperators.I2F, 0);
            acc = sums.fma(FloatVector.broadcast(Kernels.QF, scale), acc);
        }
        return Kernels.sumLanes(acc);
    }

    /**
     * Four activation rows per pass: each weight block is loaded and widened once. With 256-bit
     * vectors (two steps per block) the plain per-row kernel is used instead, keeping this
     * method's compiled body within C2's inlining budget.
     */
    @Override
    void vectorDotQ4(long rowOffset, QuantizedActivations a, int aRow, float[] out, int at, int stride) {
        if (Kernels.QS.length() != BLOCK) {
            super.vectorDotQ4(rowOffset, a, aRow, out, at, stride);
            return;
        }
        short[] q = a.q;
        float[] scales = a.d;
        int blocks = cols / BLOCK;
        int q0 = aRow * cols;
        int d0 = aRow * blocks;
        FloatVector acc0 = FloatVector.zero(Kernels.QF);
        FloatVector acc1 = FloatVector.zero(Kernels.QF);
        FloatVector acc2 = FloatVector.zero(Kernels.QF);
        FloatVector acc3 = FloatVector.zero(Kernels.QF);
        for (int b = 0; b < blocks; b++) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            float d = Kernels.f16(data, block);
            ShortVector w = (ShortVector) ByteVector.fromMemorySegment(Kernels.QB, data, block + 2, LE)
                    .castShape(Kernels.QS, 0);
            int qAt = q0 + b * BLOCK;
            int dAt = d0 + b;
            // The same operations, in the same order, as vectorDotQ for each row.
            IntVector p0 = w.mul(ShortVector.fromArray(Kernels.QS, q, qAt)).reinterpretAsInts();
            IntVector p1 = w.mul(ShortVector.fromArray(Kernels.QS, q, qAt + cols)).reinterpretAsInts();
            IntVector p2 = w.mul(ShortVector.fromArray(Kernels.QS, q, qAt + 2 * cols)).reinterpretAsInts();
            IntVector p3 = w.mul(ShortVector.fromArray(Kernels.QS, q, qAt + 3 * cols)).reinterpretAsInts();
            acc0 = ((FloatVector) p0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p0.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.QF, d * scales[dAt]), acc0);
            acc1 = ((FloatVector) p1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p1.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.QF, d * scales[dAt + blocks]), acc1);
            acc2 = ((FloatVector) p2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p2.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.QF, d * scales[dAt + 2 * blocks]), acc2);
            acc3 = ((FloatVector) p3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(p3.lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(Kernels.QF, d * scales[dAt + 3 * blocks]), acc3);
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
            for (int i = 0; i < BLOCK; i++) {
                out[outOffset + b * BLOCK + i] = d * Kernels.i8(data, block + 2 + i);
            }
        }
    }
}
