package dev.logprobs4j.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * Description of one tensor stored in a GGUF file.
 *
 * <p>Immutable and thread-safe; {@code shape} is copied on the way in and out.
 *
 * @param name the tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param shape dimensions in ggml order: {@code shape[0]} ({@code ne0}) is the contiguous one, so a
 *     (rows x cols) row-major matrix has shape {@code [cols, rows]}
 * @param type the element type
 * @param offset byte offset of the data relative to the start of the file's data section
 * @param byteSize number of bytes of data
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset, long byteSize) {

    /** Validates the fields; {@code byteSize} must equal {@code type.byteSize(elementCount())}. */
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = Objects.requireNonNull(shape, "shape").clone();
        if (shape.length == 0 || shape.length > 4) {
            throw new IllegalArgumentException("shape of '" + name + "' must have 1 to 4 dimensions, has " + shape.length);
        }
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape of '" + name + "' must not be negative: " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("shape[0] of '" + name + "' is " + shape[0] + ", must be a multiple of "
                    + type + "'s block size " + type.blockSize());
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset of '" + name + "' must be >= 0, is " + offset);
        }
        long expected = type.byteSize(count);
        if (byteSize != expected) {
            throw new IllegalArgumentException("byteSize of '" + name + "' must be " + expected + " for " + type
                    + " " + Arrays.toString(shape) + ", is " + byteSize);
        }
    }

    /** Creates the info for a tensor, computing its byte size. */
    public static GgufTensorInfo of(String name, long[] shape, GgmlType type, long offset) {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, Math.max(d, 0));
        }
        // An invalid shape gets -1 so that the constructor reports the shape rule, not the size.
        return new GgufTensorInfo(name, shape, type, offset, count % type.blockSize() == 0 ? type.byteSize(count) : -1);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i} ({@code ne_i}), 1 beyond the rank as in ggml. */
    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    /** Total number of elements. */
    public long elementCount() {
        long c = 1;
        for (long d : shape) {
            c *= d;
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && t.type == type && t.offset == offset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(shape), type, offset, byteSize);
    }

    @Override
    public String toString() {
        return "GgufTensorInfo[" + name + " " + type + " " + Arrays.toString(shape) + " @" + offset + " +" + byteSize + "]";
    }
}
