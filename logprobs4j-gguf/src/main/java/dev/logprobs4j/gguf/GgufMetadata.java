package dev.logprobs4j.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The key/value metadata of a GGUF file, in file order.
 *
 * <p>Immutable and thread-safe. Typed getters accept every stored type that converts without loss
 * (for example {@link #getInt} reads any integer type whose value fits in an int) and otherwise
 * throw {@link GgufFormatException} naming the key, the stored type and the expected one.
 * Array getters return fresh copies.
 */
public final class GgufMetadata {
    private final Path path;
    private final Map<String, Object> values;
    private final Map<String, GgufValueType> types;

    GgufMetadata(Path path, LinkedHashMap<String, Object> values, LinkedHashMap<String, GgufValueType> types) {
        this.path = path;
        this.values = Collections.unmodifiableMap(values);
        this.types = Collections.unmodifiableMap(types);
    }

    /** The keys in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Number of entries. */
    public int size() {
        return values.size();
    }

    /** Whether {@code key} is present. */
    public boolean contains(String key) {
        return values.containsKey(key);
    }

    /** The stored value of {@code key} as described in {@link GgufValueType}, or {@code null} if absent. */
    public Object get(String key) {
        return values.get(key);
    }

    /** The stored type of {@code key}, or {@code null} if absent. */
    public GgufValueType type(String key) {
        return types.get(key);
    }

    /** The string value of {@code key}; throws if absent or not a string. */
    public String getString(String key) {
        return findString(key).orElseThrow(() -> missing(key, "a string"));
    }

    /** The string value of {@code key} if present; throws if present but not a string. */
    public Optional<String> findString(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw mismatch(key, "a string");
    }

    /** The value of integer key {@code key} as an int; throws if absent, not an integer, or out of range. */
    public int getInt(String key) {
        return findInt(key).orElseThrow(() -> missing(key, "an integer"));
    }

    /** Like {@link #getInt} but empty if absent. */
    public OptionalInt findInt(String key) {
        OptionalLong l = findLong(key);
        if (l.isEmpty()) {
            return OptionalInt.empty();
        }
        long v = l.getAsLong();
        if (v != (int) v) {
            throw new GgufFormatException(path, -1, "metadata key '" + key + "' holds " + describe(key)
                    + ", which does not fit in an int");
        }
        return OptionalInt.of((int) v);
    }

    /** The value of integer key {@code key} as a long; a UINT64 above Long.MAX_VALUE is rejected. */
    public long getLong(String key) {
        return findLong(key).orElseThrow(() -> missing(key, "an integer"));
    }

    /** Like {@link #getLong} but empty if absent. */
    public OptionalLong findLong(String key) {
        Object v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        GgufValueType t = types.get(key);
        if (!t.isInteger()) {
            throw mismatch(key, "an integer");
        }
        long l = ((Number) v).longValue();
        if (t == GgufValueType.UINT64 && l < 0) {
            throw new GgufFormatException(path, -1, "metadata key '" + key + "' holds UINT64 "
                    + Long.toUnsignedString(l) + ", which does not fit in a long");
        }
        return OptionalLong.of(l);
    }

    /** The value of float key {@code key} (FLOAT32, or FLOAT64 rounded to float). */
    public float getFloat(String key) {
        return (float) findDouble(key).orElseThrow(() -> missing(key, "a float"));
    }

    /** Like {@link #getFloat} but empty if absent; use {@code (float)} on the result. */
    public Optional<Float> findFloat(String key) {
        OptionalDouble d = findDouble(key);
        return d.isEmpty() ? Optional.empty() : Optional.of((float) d.getAsDouble());
    }

    /** The value of float key {@code key} (FLOAT32 or FLOAT64) as a double. */
    public double getDouble(String key) {
        return findDouble(key).orElseThrow(() -> missing(key, "a float"));
    }

    /** Like {@link #getDouble} but empty if absent. */
    public OptionalDouble findDouble(String key) {
        Object v = values.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (v instanceof Float f) {
            return OptionalDouble.of(f);
        }
        if (v instanceof Double d) {
            return OptionalDouble.of(d);
        }
        throw mismatch(key, "a float");
    }

    /** The value of boolean key {@code key}. */
    public boolean getBoolean(String key) {
        return findBoolean(key).orElseThrow(() -> missing(key, "a bool"));
    }

    /** Like {@link #getBoolean} but empty if absent. */
    public Optional<Boolean> findBoolean(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        throw mismatch(key, "a bool");
    }

    /** The array value of {@code key}. */
    public GgufArray getArray(String key) {
        return findArray(key).orElseThrow(() -> missing(key, "an array"));
    }

    /** Like {@link #getArray} but empty if absent. */
    public Optional<GgufArray> findArray(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof GgufArray a) {
            return Optional.of(a);
        }
        throw mismatch(key, "an array");
    }

    /** A copy of the string array {@code key}. */
    public String[] getStringArray(String key) {
        return findStringArray(key).orElseThrow(() -> missing(key, "an array of STRING"));
    }

    /** Like {@link #getStringArray} but empty if absent. */
    public Optional<String[]> findStringArray(String key) {
        return findArray(key).map(a -> {
            if (a.elementType() != GgufValueType.STRING) {
                throw mismatch(key, "an array of STRING");
            }
            return ((String[]) a.raw()).clone();
        });
    }

    /** A copy of the integer array {@code key} as ints (any integer element type whose values fit). */
    public int[] getIntArray(String key) {
        return findIntArray(key).orElseThrow(() -> missing(key, "an array of integers"));
    }

    /** Like {@link #getIntArray} but empty if absent. */
    public Optional<int[]> findIntArray(String key) {
        return findArray(key).map(a -> {
            int[] r = a.intsOrNull();
            if (r == null) {
                throw mismatch(key, "an array of integers that fit in an int");
            }
            return r == a.raw() ? r.clone() : r;
        });
    }

    /** A copy of the float array {@code key} (FLOAT32, or FLOAT64 rounded). */
    public float[] getFloatArray(String key) {
        return findFloatArray(key).orElseThrow(() -> missing(key, "an array of FLOAT32"));
    }

    /** Like {@link #getFloatArray} but empty if absent. */
    public Optional<float[]> findFloatArray(String key) {
        return findArray(key).map(a -> {
            float[] r = a.floatsOrNull();
            if (r == null) {
                throw mismatch(key, "an array of FLOAT32");
            }
            return r == a.raw() ? r.clone() : r;
        });
    }

    private GgufFormatException missing(String key, String expected) {
        return new GgufFormatException(path, -1, "metadata key '" + key + "' is missing (expected " + expected
                + "); the file has " + values.size() + " keys" + sample());
    }

    private GgufFormatException mismatch(String key, String expected) {
        return new GgufFormatException(path, -1, "metadata key '" + key + "' holds " + describe(key)
                + ", expected " + expected);
    }

    private String describe(String key) {
        Object v = values.get(key);
        GgufValueType t = types.get(key);
        if (v instanceof GgufArray a) {
            return "an array of " + a.size() + " " + a.elementType();
        }
        if (v instanceof String s) {
            return "STRING \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        return t + " " + (t == GgufValueType.UINT64 ? Long.toUnsignedString((Long) v) : String.valueOf(v));
    }

    private String sample() {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (String k : values.keySet()) {
            if (n == 8) {
                sb.append(", ...");
                break;
            }
            sb.append(n++ == 0 ? ", e.g. " : ", ").append(k);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufMetadata m && m.values.equals(values) && m.types.equals(types);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, types);
    }

    @Override
    public String toString() {
        return "GgufMetadata" + types.keySet();
    }
}
