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

/**
 * A Q4_0 weight matrix: blocks of 32 weights stored as a half-precision scale {@code d} and 16
 * bytes; byte {@code i} holds weight {@code i} in its low nibble and weight {@code i + 16} in its
 * high nibble, each meaning {@code d * (nibble - 8)}. Immutable and thread-safe.
 */
final class Q4_0Matrix extends QuantizedMatrix {

    private static final int BLOCK = 32;
    private static final int BLOCK_BYTES = 2 + BLOCK / 2;

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

    @Override
    float vectorDot(long rowOffset, float[] x, int xOffset) {
        int lanes = F.length();
        int blocks = cols / BLOCK;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            int xBase = xOffset + b * BLOCK;
            acc0 = blockDot(block, x, xBase, lanes).fma(FloatVector.broadcast(F, Kernels.f16(data, block)), acc0);
            acc1 = blockDot(block + BLOCK_BYTES, x, xBase + BLOCK, lanes)
                    .fma(FloatVector.broadcast(F, Kernels.f16(data, block + BLOCK_BYTES)), acc1);
        }
        if (b < blocks) {
            long block = rowOffset + (long) b * BLOCK_BYTES;
            acc0 = blockDot(block, x, xOffset + b * BLOCK, lanes).fma(FloatVector.broadcast(F, Kernels.f16(data, block)), acc0);
        }
        return Kernels.sumLanes(acc0.add(acc1));
    }

    /** Lane-wise partial sums of (nibble - 8) * x over one block. */
    private FloatVector blockDot(long block, float[] x, int xBase, int lanes) {
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < BLOCK / 2; i += lanes) {
            ByteVector packed = ByteVector.fromMemorySegment(B, data, block + 2 + i, LE);
            FloatVector low = Kernels.toFloats(packed.and((byte) 0xF).sub((byte) 8));
            FloatVector high = Kernels.toFloats(packed.lanewise(VectorOperators.LSHR, 4).sub((byte) 8));
            sum = low.fma(FloatVector.fromArray(F, x, xBase + i), sum);
            sum = high.fma(FloatVector.fromArray(F, x, xBase + i + BLOCK / 2), sum);
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

    @Override
    void computeRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        // A copy per class keeps this call site monomorphic (see SegmentMatrix.computeRows).
        for (int r = from; r < to; r++) {
            long rowOffset = r * rowBytes;
            for (int b = 0; b < batch; b++) {
                out[outOffset + b * rows + r] = Kernels.VECTOR
                        ? vectorDot(rowOffset, x, xOffset + b * cols)
                        : scalarDot(rowOffset, x, xOffset + b * cols);
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
