package dev.logprobs4j.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * An array value of GGUF metadata: an element type and its elements, held in a primitive array.
 *
 * <p>Immutable and thread-safe: factories copy their argument and accessors return copies.
 * Storage by element type: {@code UINT8/INT8} byte[], {@code UINT16/INT16} short[],
 * {@code UINT32/INT32} int[], {@code UINT64/INT64} long[], {@code FLOAT32} float[],
 * {@code FLOAT64} double[], {@code BOOL} boolean[], {@code STRING} String[], {@code ARRAY}
 * GgufArray[] (nested arrays). Unsigned elements keep their bits and are widened when read.
 */
public final class GgufArray {
    private final GgufValueType elementType;
    private final Object values;
    private final int size;

    /** Wraps {@code values} without copying; callers guarantee no one else holds it. */
    GgufArray(GgufValueType elementType, Object values) {
        this.elementType = Objects.requireNonNull(elementType, "elementType");
        this.values = Objects.requireNonNull(values, "values");
        Class<?> expected = storageClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException("values: " + elementType + " elements must be stored in a "
                    + expected.getSimpleName() + ", got " + values.getClass().getSimpleName());
        }
        this.size = java.lang.reflect.Array.getLength(values);
        if (values instanceof Object[] objects) {
            for (int i = 0; i < objects.length; i++) {
                Objects.requireNonNull(objects[i], () -> "values: element is null");
            }
        }
    }

    static Class<?> storageClass(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public static GgufArray ofUint8(byte... v) { return new GgufArray(GgufValueType.UINT8, v.clone()); }
    public static GgufArray ofInt8(byte... v) { return new GgufArray(GgufValueType.INT8, v.clone()); }
    public static GgufArray ofUint16(short... v) { return new GgufArray(GgufValueType.UINT16, v.clone()); }
    public static GgufArray ofInt16(short... v) { return new GgufArray(GgufValueType.INT16, v.clone()); }
    public static GgufArray ofUint32(int... v) { return new GgufArray(GgufValueType.UINT32, v.clone()); }
    public static GgufArray ofInt32(int... v) { return new GgufArray(GgufValueType.INT32, v.clone()); }
    public static GgufArray ofUint64(long... v) { return new GgufArray(GgufValueType.UINT64, v.clone()); }
    public static GgufArray ofInt64(long... v) { return new GgufArray(GgufValueType.INT64, v.clone()); }
    public static GgufArray ofFloat32(float... v) { return new GgufArray(GgufValueType.FLOAT32, v.clone()); }
    public static GgufArray ofFloat64(double... v) { return new GgufArray(GgufValueType.FLOAT64, v.clone()); }
    public static GgufArray ofBool(boolean... v) { return new GgufArray(GgufValueType.BOOL, v.clone()); }
    public static GgufArray ofString(String... v) { return new GgufArray(GgufValueType.STRING, v.clone()); }
    public static GgufArray ofArrays(GgufArray... v) { return new GgufArray(GgufValueType.ARRAY, v.clone()); }

    /** The type of every element. */
    public GgufValueType elementType() {
        return elementType;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Element {@code i}, boxed as described in {@link GgufValueType}. */
    public Object get(int i) {
        Objects.checkIndex(i, size);
        return switch (elementType) {
            case INT8 -> ((byte[]) values)[i];
            case UINT8 -> (short) Byte.toUnsignedInt(((byte[]) values)[i]);
            case INT16 -> ((short[]) values)[i];
            case UINT16 -> Short.toUnsignedInt(((short[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT64, UINT64 -> ((long[]) values)[i];
            case FLOAT32 -> ((float[]) values)[i];
            case FLOAT64 -> ((double[]) values)[i];
            case BOOL -> ((boolean[]) values)[i];
            case STRING -> ((String[]) values)[i];
            case ARRAY -> ((GgufArray[]) values)[i];
        };
    }

    /** The elements as strings; fails unless the element type is {@code STRING}. */
    public String[] toStringArray() {
        return ((String[]) require(GgufValueType.STRING)).clone();
    }

    /**
     * The elements as ints; works for every integer element type whose values all fit in an int.
     *
     * @throws IllegalStateException otherwise
     */
    public int[] toIntArray() {
        int[] r = intsOrNull();
        if (r == null) {
            throw new IllegalStateException("array of " + elementType + " does not convert to int[]");
        }
        return r == values ? r.clone() : r;
    }

    /** The elements as longs (unsigned types widened); fails for non-integer element types. */
    public long[] toLongArray() {
        if (!elementType.isInteger()) {
            throw new IllegalStateException("array of " + elementType + " does not convert to long[]");
        }
        long[] r = new long[size];
        for (int i = 0; i < size; i++) {
            r[i] = longAt(i);
        }
        return r;
    }

    /** The elements as floats; works for {@code FLOAT32} and {@code FLOAT64} (rounded) arrays. */
    public float[] toFloatArray() {
        float[] r = floatsOrNull();
        if (r == null) {
            throw new IllegalStateException("array of " + elementType + " does not convert to float[]");
        }
        return r == values ? r.clone() : r;
    }

    /** The nested arrays; fails unless the element type is {@code ARRAY}. */
    public GgufArray[] toArrayArray() {
        return ((GgufArray[]) require(GgufValueType.ARRAY)).clone();
    }

    private Object require(GgufValueType t) {
        if (elementType != t) {
            throw new IllegalStateException("array of " + elementType + ", not of " + t);
        }
        return values;
    }

    /** The backing array itself (no copy), for this package's readers that copy or only read. */
    Object raw() {
        return values;
    }

    long longAt(int i) {
        return switch (elementType) {
            case INT8 -> ((byte[]) values)[i];
            case UINT8 -> Byte.toUnsignedInt(((byte[]) values)[i]);
            case INT16 -> ((short[]) values)[i];
            case UINT16 -> Short.toUnsignedInt(((short[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT64, UINT64 -> ((long[]) values)[i];
            default -> throw new IllegalStateException("not an integer array: " + elementType);
        };
    }

    /** The ints, or null if an element does not fit; may return the backing array itself. */
    int[] intsOrNull() {
        if (elementType == GgufValueType.INT32) {
            return (int[]) values;
        }
        if (!elementType.isInteger()) {
            return null;
        }
        int[] r = new int[size];
        for (int i = 0; i < size; i++) {
            long v = longAt(i);
            if (v != (int) v || (elementType == GgufValueType.UINT64 && v < 0)) {
                return null;
            }
            r[i] = (int) v;
        }
        return r;
    }

    /** The floats, or null for non-float arrays; may return the backing array itself. */
    float[] floatsOrNull() {
        if (elementType == GgufValueType.FLOAT32) {
            return (float[]) values;
        }
        if (elementType == GgufValueType.FLOAT64) {
            double[] d = (double[]) values;
            float[] r = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                r[i] = (float) d[i];
            }
            return r;
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && a.elementType == elementType
                && Arrays.deepEquals(new Object[] {values}, new Object[] {a.values});
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GgufArray[").append(elementType).append(" x ").append(size).append(": ");
        int shown = Math.min(size, 8);
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(get(i));
        }
        return sb.append(size > shown ? ", ...]" : "]").toString();
    }
}
