package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Factory of {@link WeightMatrix} views over GGUF tensor bytes. Stateless and thread-safe. */
public final class WeightMatrices {

    private WeightMatrices() {}

    /**
     * A matrix view of a GGUF tensor. GGUF shapes list the contiguous dimension first, so shape
     * {@code [cols, rows]} is a {@code rows x cols} matrix; a 1-D tensor is one row, and
     * dimensions beyond the second are folded into the rows.
     *
     * @param data either exactly the tensor's bytes (as {@code GgufFile.data(info)} returns) or the
     *     file's whole data section, which {@code info.offset()} is relative to
     * @throws IllegalArgumentException naming the tensor if its type has no kernel, its shape does
     *     not fit {@code int} rows and columns, or {@code data} cannot hold it
     */
    public static WeightMatrix of(GgufTensorInfo info, MemorySegment data) {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(data, "data");
        long cols = info.dim(0);
        long rows = 1;
        for (int i = 1; i < info.rank(); i++) {
            rows = Math.multiplyExact(rows, info.dim(i));
        }
        if (cols > Integer.MAX_VALUE || rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + info.name() + "' with shape "
                    + java.util.Arrays.toString(info.shape()) + " has more than " + Integer.MAX_VALUE
                    + " rows or columns");
        }
        MemorySegment bytes;
        if (data.byteSize() == info.byteSize()) {
            bytes = data;
        } else if (info.offset() <= data.byteSize() - info.byteSize()) {
            bytes = data.asSlice(info.offset(), info.byteSize());
        } else {
            throw new IllegalArgumentException("tensor '" + info.name() + "' needs bytes [" + info.offset() + ", "
                    + (info.offset() + info.byteSize()) + ") of the data section, but the given segment holds "
                    + data.byteSize() + " bytes; pass the tensor's own bytes or the whole data section");
        }
        return of(info.name(), info.type(), (int) rows, (int) cols, bytes);
    }

    /**
     * A matrix view of {@code rows * cols} weights of type {@code type} stored row-major in
     * {@code data} (exactly the tensor's bytes). The bytes are read in place, never copied, from
     * whichever threads run the products, so {@code data} must not be thread-confined.
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
        if (!data.isAccessibleBy(new Thread(() -> {}))) {
            throw new IllegalArgumentException("tensor '" + name + "': data belongs to a confined arena, but products"
                    + " run on several threads; map or allocate it in a shared or global arena");
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
