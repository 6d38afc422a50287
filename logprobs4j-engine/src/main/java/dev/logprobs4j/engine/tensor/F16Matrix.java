package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.F;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** A weight matrix of little-endian IEEE half-precision floats. Immutable and thread-safe. */
final class F16Matrix extends SegmentMatrix {

    F16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int j = 0; j < cols; j++) {
            sum += Kernels.f16(data, rowOffset + 2L * j) * x[xOffset + j];
        }
        return sum;
    }

    @Override
    float vectorDot(long rowOffset, float[] x, int xOffset) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (; j < upper; j += lanes) {
            FloatVector w = Kernels.halfToFloat(Kernels.shortsToInts(data, rowOffset + 2L * j));
            acc = w.fma(FloatVector.fromArray(F, x, xOffset + j), acc);
        }
        float sum = Kernels.sumLanes(acc);
        for (; j < cols; j++) {
            sum += Kernels.f16(data, rowOffset + 2L * j) * x[xOffset + j];
        }
        return sum;
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
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int j = 0; j < cols; j++) {
            out[outOffset + j] = Kernels.f16(data, rowOffset + 2L * j);
        }
    }
}
