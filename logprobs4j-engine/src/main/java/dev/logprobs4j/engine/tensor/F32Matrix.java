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
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int j = 0;
        for (; j < upper; j += lanes) {
            FloatVector u = FloatVector.fromArray(F, x, xOffset + j);
            a0 = FloatVector.fromMemorySegment(F, data, o0 + 4L * j, LE).fma(u, a0);
            a1 = FloatVector.fromMemorySegment(F, data, o1 + 4L * j, LE).fma(u, a1);
            a2 = FloatVector.fromMemorySegment(F, data, o2 + 4L * j, LE).fma(u, a2);
            a3 = FloatVector.fromMemorySegment(F, data, o3 + 4L * j, LE).fma(u, a3);
        }
        float s0 = Kernels.sumLanes(a0);
        float s1 = Kernels.sumLanes(a1);
        float s2 = Kernels.sumLanes(a2);
        float s3 = Kernels.sumLanes(a3);
        for (; j < cols; j++) {
            s0 += data.get(LE_FLOAT, o0 + 4L * j) * x[xOffset + j];
            s1 += data.get(LE_FLOAT, o1 + 4L * j) * x[xOffset + j];
            s2 += data.get(LE_FLOAT, o2 + 4L * j) * x[xOffset + j];
            s3 += data.get(LE_FLOAT, o3 + 4L * j) * x[xOffset + j];
        }
        Kernels.store4(out, at, valid, s0, s1, s2, s3);
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        int j = 0;
        for (; j < upper; j += lanes) {
            FloatVector.fromMemorySegment(F, data, rowOffset + 4L * j, LE).intoArray(out, outOffset + j);
        }
        for (; j < cols; j++) {
            out[outOffset + j] = data.get(LE_FLOAT, rowOffset + 4L * j);
        }
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

    @Override
    void dequantize(long rowOffset, float[] out, int outOffset) {
        for (int j = 0; j < cols; j++) {
            out[outOffset + j] = data.get(LE_FLOAT, rowOffset + 4L * j);
        }
    }
}
