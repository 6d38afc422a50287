package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Factory of {@link WeightMatrix} views over GGUF tensor bytes. Stateless and thread-safe. */
public final class WeightMatrices {

    private WeightMatrices() {}

    /**
     * A matrix view of {@code rows * cols} weights of type {@code type} stored row-major in
     * {@code data} (exactly the tensor's bytes). The bytes are read in place, never copied.
     *
     * @param name tensor name, used only in error messages
     * @throws IllegalArgumentException if the type has no kernel, the shape is not positive or not
     *     a whole number of blocks per row, or {@code data} has the wrong size
     */
    public static WeightMatrix of(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': rows and cols must be positive, got " + rows + "x" + cols);
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + cols + " is not a multiple of the "
                    + type + " block size " + type.blockSize());
        }
        long expected = type.byteSize((long) cols) * rows;
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("tensor '" + name + "': " + rows + "x" + cols + " " + type + " needs "
                    + expected + " bytes but the data holds " + data.byteSize());
        }
        return switch (type) {
            case F32 -> new F32Matrix(data, rows, cols);
            case F16 -> new F16Matrix(data, rows, cols);
            case BF16 -> new BF16Matrix(data, rows, cols);
            case Q8_0 -> new Q8_0Matrix(data, rows, cols);
            case Q4_0 -> new Q4_0Matrix(data, rows, cols);
            case Q4_K -> new Q4_KMatrix(data, rows, cols);
            case Q6_K -> new Q6_KMatrix(data, rows, cols);
            default -> throw new IllegalArgumentException("tensor '" + name + "' has type " + type
                    + ", which has no matrix kernel; supported types are F32, F16, BF16, Q8_0, Q4_0, Q4_K and Q6_K"
                    + " (re-quantise the model, e.g. with llama.cpp's llama-quantize, to one of them)");
        };
    }
}
