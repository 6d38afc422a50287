package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.F;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * A Q8_0 weight matrix: blocks of 32 weights stored as a half-precision scale {@code d} and 32
 * signed bytes {@code q}; weight {@code i} is {@code d * q[i]}. Immutable and thread-safe.
 */
final class Q8_0Matrix extends SegmentMatrix {

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
    float vectorDot(long rowOffset, float[] x, int xOffset) {
        int lanes = F.length();
        int blocks = cols / BLOCK;
        // Two accumulators (even and odd blocks) keep two FMA chains in flight.
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

    /** Lane-wise partial sums of q[i] * x[i] over one block. */
    private FloatVector blockDot(long block, float[] x, int xBase, int lanes) {
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < BLOCK; i += lanes) {
            sum = Kernels.bytesToFloats(data, block + 2 + i).fma(FloatVector.fromArray(F, x, xBase + i), sum);
        }
        return sum;
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
