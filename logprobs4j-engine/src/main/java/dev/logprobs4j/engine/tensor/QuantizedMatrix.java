package dev.logprobs4j.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Base of the block-quantised weight matrices, which besides the float dot product of {@link
 * WeightMatrix#dot} multiply rows with 8-bit {@link QuantizedActivations} in integer arithmetic,
 * one float multiply per block. Immutable and thread-safe.
 */
abstract sealed class QuantizedMatrix extends SegmentMatrix permits Q8_0Matrix, Q4_0Matrix, Q4_KMatrix, Q6_KMatrix {

    QuantizedMatrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    /** The activation layout the integer kernels read. */
    abstract QuantizedActivations.Kind activationKind();

    /** Row at byte {@code rowOffset} dotted with quantised activation row {@code aRow}: the scalar twin and oracle. */
    abstract float scalarDotQ(long rowOffset, QuantizedActivations a, int aRow);

    /** The same with the Vector API (lane sums in a different order from the scalar twin). */
    abstract float vectorDotQ(long rowOffset, QuantizedActivations a, int aRow);

    /**
     * Like {@link #computeRows} for activations already quantised to this matrix's {@link
     * #activationKind()}: rows {@code [from, to)} times all {@code a.batch} activation rows.
     */
    final void computeRowsQ(int from, int to, QuantizedActivations a, float[] out, int outOffset) {
        int batch = a.batch;
        for (int r = from; r < to; r++) {
            long rowOffset = r * rowBytes;
            for (int b = 0; b < batch; b++) {
                out[outOffset + b * rows + r] = Kernels.VECTOR ? vectorDotQ(rowOffset, a, b) : scalarDotQ(rowOffset, a, b);
            }
        }
    }
}
