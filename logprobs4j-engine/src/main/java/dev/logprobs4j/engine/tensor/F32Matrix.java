package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.F;
import static dev.logprobs4j.engine.tensor.Kernels.LE;
import static dev.logprobs4j.engine.tensor.Kernels.LE_FLOAT;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** A weight matrix of little-endian 32-bit floats. Immutable and thread-safe. */
final class F32Matrix extends SegmentMatrix {

    F32Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    float scalarDot(long rowOffset, float[] x, int xOffset) {
        float sum = 0f;
        for (int j = 0; j < cols; j++) {
            sum += data.get(LE_FLOAT, rowOffset + 4L * j) * x[xOffset + j];
        }
        return sum;
    }

    @Override
    float vectorDot(long rowOffset, float[] x, int xOffset) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        // Two accumulators hide the FMA latency; rows this wide are bandwidth-bound otherwise.
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int j = 0;
        for (; j + 2 * lanes <= upper; j += 2 * lanes) {
            FloatVector w0 = FloatVector.fromMemorySegment(F, data, rowOffset + 4L * j, LE);
            FloatVector w1 = FloatVector.fromMemorySegment(F, data, rowOffset + 4L * (j + lanes), LE);
            acc0 = w0.fma(FloatVector.fromArray(F, x, xOffset + j), acc0);
            acc1 = w1.fma(FloatVector.fromArray(F, x, xOffset + j + lanes), acc1);
        }
        for (; j < upper; j += lanes) {
            FloatVector w = FloatVector.fromMemorySegment(F, data, rowOffset + 4L * j, LE);
            acc0 = w.fma(FloatVector.fromArray(F, x, xOffset + j), acc0);
        }
        float sum = Kernels.sumLanes(acc0.add(acc1));
        for (; j < cols; j++) {
            sum += data.get(LE_FLOAT, rowOffset + 4L * j) * x[xOffset + j];
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
            out[outOffset + j] = data.get(LE_FLOAT, rowOffset + 4L * j);
        }
    }
}
