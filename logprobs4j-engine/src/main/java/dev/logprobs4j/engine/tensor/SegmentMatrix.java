package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Base of the weight matrices read straight from a memory segment: bounds checks once per call,
 * then either the vector kernel or its scalar twin. Immutable and thread-safe.
 */
abstract sealed class SegmentMatrix implements WeightMatrix
        permits F32Matrix, F16Matrix, BF16Matrix, QuantizedMatrix {

    final MemorySegment data; // (rows, rowBytes), row-major
    final int rows;
    final int cols;
    final long rowBytes;

    SegmentMatrix(MemorySegment data, int rows, int cols) {
        GgmlType type = type();
        this.rowBytes = type.byteSize(cols);
        if (data.byteSize() != rowBytes * rows) {
            throw new IllegalArgumentException("data holds " + data.byteSize() + " bytes but a " + rows + "x" + cols
                    + " " + type + " matrix needs " + rowBytes * rows);
        }
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    @Override
    public final int rows() {
        return rows;
    }

    @Override
    public final int cols() {
        return cols;
    }

    @Override
    public final float dot(int row, float[] x, int xOffset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(xOffset, cols, x.length);
        long rowOffset = row * rowBytes;
        return Kernels.VECTOR ? vectorDot(rowOffset, x, xOffset) : scalarDot(rowOffset, x, xOffset);
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int outOffset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(outOffset, cols, out.length);
        dequantize(row * rowBytes, out, outOffset);
    }

    /**
     * {@code out[outOffset + b * rows + r] = row(r) . x[xOffset + b * cols ..]} for rows {@code
     * [from, to)} and {@code b < batch}; the caller has checked the bounds. Every class has its
     * own copy of this loop (see below): a loop shared by all classes would see
     * several kernels at its call site, and C2 would then either call them without inlining or
     * inline two into one body too big for its budget, leaving their vector operations boxed.
     */
    abstract void computeRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset);

    /** Row at byte {@code rowOffset} dotted with {@code x[xOffset..]}: the plain scalar twin and test oracle. */
    abstract float scalarDot(long rowOffset, float[] x, int xOffset);

    /** The same dot product with the Vector API (summation order differs from the scalar twin). */
    abstract float vectorDot(long rowOffset, float[] x, int xOffset);

    /** Decodes the row at byte {@code rowOffset} into {@code out[outOffset..]}. */
    abstract void dequantize(long rowOffset, float[] out, int outOffset);

    @Override
    public String toString() {
        return type() + "[" + rows + "x" + cols + "]";
    }
}
