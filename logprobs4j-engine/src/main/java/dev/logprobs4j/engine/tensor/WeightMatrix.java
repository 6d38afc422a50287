package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;

/**
 * A {@code rows x cols} weight matrix stored row-major and left in its GGUF encoding (usually
 * inside a memory mapping); rows are decoded on the fly by each dot product.
 *
 * <p>Implementations are immutable and thread-safe. {@link #dot} keeps activations {@code float}:
 * weights are dequantised to float and multiplied with float activations. {@link MatMul} can
 * instead quantise the activations to 8 bits for block-quantised weights, like llama.cpp, and
 * use integer block dot products ({@link MatMul.Activations#INT8}).
 */
public interface WeightMatrix {

    /** Number of rows (output features). */
    int rows();

    /** Number of columns (input features), the length of every row. */
    int cols();

    /** The element encoding of the stored weights. */
    GgmlType type();

    /**
     * The dot product of row {@code row} with {@code x[xOffset .. xOffset + cols())}.
     *
     * @throws IndexOutOfBoundsException if {@code row} is not a row or {@code x} is too short
     */
    float dot(int row, float[] x, int xOffset);

    /**
     * Decodes row {@code row} into {@code out[outOffset .. outOffset + cols())}.
     *
     * @throws IndexOutOfBoundsException if {@code row} is not a row or {@code out} is too short
     */
    void dequantizeRow(int row, float[] out, int outOffset);
}
