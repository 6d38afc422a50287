package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Factory of {@link WeightMatrix} views over GGUF tensor bytes. Stateless and thread-safe. */
public final class WeightMatrices {

    /** The tensor types that have a matrix kernel, in ggml id order. */
    public static final java.util.Set<GgmlType> SUPPORTED = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
            GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K,
            GgmlType.IQ4_XS));

    private static final String SUPPORTED_NAMES = SUPPORTED.stream().map(GgmlType::name)
            .collect(java.util.stream.Collectors.joining(", "));

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
            case Q4_1 -> new Q4_1Matrix(data, rows, cols);
            case Q5_0 -> new Q5_0Matrix(data, rows, cols);
            case Q5_1 -> new Q5_1Matrix(data, rows, cols);
            case IQ4_NL -> new IQ4_NLMatrix(data, rows, cols);
            case Q2_K -> new Q2_KMatrix(data, rows, cols);
            case Q3_K -> new Q3_KMatrix(data, rows, cols);
            case Q5_K -> new Q5_KMatrix(data, rows, cols);
            case IQ4_XS -> new IQ4_XSMatrix(data, rows, cols);
            default -> throw new IllegalArgumentException("tensor '" + name + "' has type " + type
                    + ", which has no matrix kernel; supported types are " + SUPPORTED_NAMES
                    + " (re-quantise the model, e.g. with llama.cpp's llama-quantize, to one of them)");
        };
    }
}
