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

    /**
     * {@link #dot4} for the types whose one-row kernel runs a row per body ({@link #dot1}): in
     * decode, which streams the weights from memory, bodies of two or four rows ran 1B Q8_0 and
     * Q4_0 25-30 % slower, and Q4_K's and Q6_K's grew past what C2 compiles well. Rows past
     * {@code valid} are not computed.
     */
    final void dot4ByRows(long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out, int at, int valid) {
        float[] acc = Kernels.accumulators();
        for (int i = 0; i < valid; i++) {
            dot1(i == 0 ? o0 : i == 1 ? o1 : i == 2 ? o2 : o3, x, xOffset, acc, 16 * i);
        }
        Kernels.finish4(acc, out, at, valid);
    }

    /**
     * The row at byte {@code o} times {@code x[xOffset..]}, its accumulator vector stored to
     * {@code acc[spill..]} in the tiles' summation order; only types that call {@link #dot4ByRows}
     * implement it.
     */
    void dot1(long o, float[] x, int xOffset, float[] acc, int spill) {
        throw new UnsupportedOperationException(type() + " has no one-row kernel");
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
