package dev.logprobs4j.engine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Base of the block-quantised weight matrices, which besides the float dot product of {@link
 * WeightMatrix#dot} multiply rows with 8-bit {@link QuantizedActivations} in integer arithmetic,
 * one float multiply per block. Immutable and thread-safe.
 */
abstract sealed class QuantizedMatrix extends SegmentMatrix permits Q8_0Matrix, Q4_0Matrix, Q4_KMatrix, Q6_KMatrix,
        Q4_1Matrix, Q5_0Matrix, Q5_1Matrix, IQ4_NLMatrix, Q2_KMatrix, Q3_KMatrix, Q5_KMatrix, IQ4_XSMatrix {

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
     * The vector dot products of one row with activation rows {@code aRow .. aRow + 3}, stored
     * to {@code out[at]}, {@code out[at + stride]}, ...; each exactly as {@link #vectorDotQ}
     * computes it. Kernels that decode a weight block once for all four rows override this.
     */
    void vectorDotQ4(long rowOffset, QuantizedActivations a, int aRow, float[] out, int at, int stride) {
        for (int k = 0; k < 4; k++) {
            out[at + k * stride] = vectorDotQ(rowOffset, a, aRow + k);
        }
    }

    /**
     * Like {@link #computeRows} for activations already quantised to this matrix's {@link
     * #activationKind()}: rows {@code [from, to)} times all {@code a.batch} activation rows, four
     * at a time through {@link #vectorDotQ4} while four remain. A copy in every class, as for
     * {@link #computeRows}.
     */
    abstract void computeRowsQ(int from, int to, QuantizedActivations a, float[] out, int outOffset);
}
