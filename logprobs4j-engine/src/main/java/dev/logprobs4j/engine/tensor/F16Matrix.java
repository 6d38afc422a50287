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

    /** Two rows per body: four rows of the half conversion ran out of C2's node budget and boxed. */
    @Override
    void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        dot2(o0, o1, x, xOffset, out, at, Math.min(valid, 2));
        if (valid > 2) {
            dot2(o2, o3, x, xOffset, out, at + 2, valid - 2);
        }
    }

    private void dot2(long o0, long o1, float[] x, int xOffset, float[] out, int at, int valid) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int j = 0;
        for (; j < upper; j += lanes) {
            FloatVector u = FloatVector.fromArray(F, x, xOffset + j);
            a0 = Kernels.halfToFloat(Kernels.shortsToInts(data, o0 + 2L * j)).fma(u, a0);
            a1 = Kernels.halfToFloat(Kernels.shortsToInts(data, o1 + 2L * j)).fma(u, a1);
        }
        float s0 = Kernels.sumLanes(a0);
        float s1 = Kernels.sumLanes(a1);
        for (; j < cols; j++) {
            s0 += Kernels.f16(data, o0 + 2L * j) * x[xOffset + j];
            s1 += Kernels.f16(data, o1 + 2L * j) * x[xOffset + j];
        }
        out[at] = s0;
        if (valid > 1) {
            out[at + 1] = s1;
        }
    }

    @Override
    void decode(long rowOffset, float[] out, int outOffset) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        int j = 0;
        for (; j < upper; j += lanes) {
            Kernels.halfToFloat(Kernels.shortsToInts(data, rowOffset + 2L * j)).intoArray(out, outOffset + j);
        }
        for (; j < cols; j++) {
            out[outOffset + j] = Kernels.f16(data, rowOffset + 2L * j);
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
            out[outOffset + j] = Kernels.f16(data, rowOffset + 2L * j);
        }
    }
}
