package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Objects;

/**
 * Base of the weight matrices read straight from a memory segment: bounds checks once per call,
 * then either the vector kernel or its scalar twin. Immutable and thread-safe.
 */
abstract sealed class SegmentMatrix implements WeightMatrix
        permits F32Matrix, F16Matrix, BF16Matrix, QuantizedMatrix {

    private static final MethodHandle COMPUTE_ROWS;
    private static final MethodHandle COMPUTE_ROWS_Q;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            COMPUTE_ROWS = lookup.findVirtual(SegmentMatrix.class, "computeRows", MethodType.methodType(void.class,
                    int.class, int.class, float[].class, int.class, int.class, float[].class, int.class));
            COMPUTE_ROWS_Q = lookup.findVirtual(QuantizedMatrix.class, "computeRowsQ", MethodType.methodType(void.class,
                    int.class, int.class, QuantizedActivations.class, float[].class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /*
     * computeRows (and computeRowsQ) bound to this matrix, called only through these handles.
     * A handle read from a field is not a constant, so C2 cannot inline through it: each class's
     * loop and kernel are compiled on their own with a profile that saw only that class. Called
     * directly from one shared caller, C2 inlined the first class's kernel into the caller and,
     * once a second class came, both kernels into one body too big for its budget, leaving
     * vector operations unintrinsified (Q4_0 ran at half speed after Q8_0 in the same JVM).
     */
    private final MethodHandle computeRowsHandle;
    private final MethodHandle computeRowsQHandle;

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
        this.computeRowsHandle = COMPUTE_ROWS.bindTo(this);
        this.computeRowsQHandle = this instanceof QuantizedMatrix ? COMPUTE_ROWS_Q.bindTo(this) : null;
    }

    /**
     * Rows {@code [from, to)} through an inlining barrier: with the integer kernels if {@code a}
     * holds quantised activations (then this is a {@link QuantizedMatrix}), else the float ones.
     */
    final void computeRowsOpaque(int from, int to, QuantizedActivations a, float[] x, int xOffset, int batch,
            float[] out, int outOffset) {
        try {
            if (a != null) {
                computeRowsQHandle.invokeExact(from, to, a, out, outOffset);
            } else {
                computeRowsHandle.invokeExact(from, to, x, xOffset, batch, out, outOffset);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
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
        return (this instanceof QuantizedMatrix ? Kernels.VECTOR16 : Kernels.VECTOR)
                ? vectorDot(rowOffset, x, xOffset) : scalarDot(rowOffset, x, xOffset);
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int outOffset) {
        Objects.checkIndex(row, rows);
        Objects.checkFromIndexSize(outOffset, cols, out.length);
        dequantize(row * rowBytes, out, outOffset);
    }

    /**
     * {@code out[outOffset + b * rows + r] = row(r) . x[xOffset + b * cols ..]} for rows {@code
     * [from, to)} and {@code b < batch}; the caller has checked the bounds. One activation row
     * goes through {@link #dot4} (weights decoded in registers, four rows per pass); more go
     * through {@link Tiles} (weights decoded once into a panel, then a float micro-kernel), with
     * the same summation order (see {@link Tiles}). Every class has its own copy of this loop: a
     * loop shared by all classes would see several kernels at its call site, and C2 would then
     * either call them without inlining or inline two into one body too big for its budget,
     * leaving their vector operations boxed.
     */
    abstract void computeRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset);

    /** Rows {@code [from, to)} with the scalar twins (the {@code logprobs4j.kernels=scalar} switch). */
    final void scalarRows(int from, int to, float[] x, int xOffset, int batch, float[] out, int outOffset) {
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                out[outOffset + b * rows + r] = scalarDot(r * rowBytes, x, xOffset + b * cols);
            }
        }
    }

    /** Row at byte {@code rowOffset} dotted with {@code x[xOffset..]}: the plain scalar twin and test oracle. */
    abstract float scalarDot(long rowOffset, float[] x, int xOffset);

    /**
     * The same dot product with the Vector API, in the summation order of {@link Tiles} (which
     * differs from the scalar twin's).
     */
    final float vectorDot(long rowOffset, float[] x, int xOffset) {
        float[] result = new float[1];
        dot4(rowOffset, rowOffset, rowOffset, rowOffset, x, xOffset, result, 0, 1);
        return result[0];
    }

    /**
     * The vector dot products of the rows at byte offsets {@code o0..o3} with {@code
     * x[xOffset..]}, stored to {@code out[at + i]} for {@code i < valid} (offsets past {@code
     * valid} repeat a row and are not stored). Decode's kernel: each activation vector is loaded
     * once for four weight rows, whose four accumulators are independent chains.
     */
    abstract void dot4(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid);

    /**
     * Decodes the row at byte {@code rowOffset} into {@code out[outOffset..]} with the Vector
     * API: bit for bit the values of {@link #dequantize}, which the micro-kernels then read.
     */
    abstract void decode(long rowOffset, float[] out, int outOffset);

    /** Decodes the row at byte {@code rowOffset} into {@code out[outOffset..]}: the scalar twin of {@link #decode}. */
    abstract void dequantize(long rowOffset, float[] out, int outOffset);

    @Override
    public String toString() {
        return type() + "[" + rows + "x" + cols + "]";
    }
}
