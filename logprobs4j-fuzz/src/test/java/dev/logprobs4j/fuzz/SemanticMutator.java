package dev.logprobs4j.fuzz;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufArray;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufTensorInfo;
import dev.logprobs4j.gguf.GgufValueType;
import dev.logprobs4j.gguf.GgufWriter;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutations above the byte level: the file stays well-formed GGUF but its meaning is hostile.
 * Metadata values get boundary numbers, other types, or disappear; vocabulary arrays get odd
 * token types, pieces, scores and merges; tensors are dropped, renamed, reshaped or retyped
 * (with zero data of the matching size). This is what a broken converter writes, and it reaches
 * the tokenizer and model loader, which byte flips mostly stop at the GGUF parser.
 * Not thread-safe: one instance per input.
 */
final class SemanticMutator {
    private static final long MAX_TENSOR_BYTES = 1 << 20;

    private final Choices c;
    private final Map<String, Entry> values = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    private record Entry(GgufValueType type, Object value) {}

    private record Tensor(String name, long[] shape, GgmlType type, byte[] data) {}

    private SemanticMutator(GgufFile seed, Choices c) {
        this.c = c;
        GgufMetadata m = seed.metadata();
        for (String k : m.keys()) {
            values.put(k, new Entry(m.type(k), m.get(k)));
        }
        for (GgufTensorInfo t : seed.tensors()) {
            tensors.add(new Tensor(t.name(), t.shape(), t.type(), seed.data(t).toArray(ValueLayout.JAVA_BYTE)));
        }
    }

    /** Writes a mutated copy of the well-formed {@code seed} file to {@code out}. */
    static void mutate(Path seed, Path out, Choices c) {
        SemanticMutator m;
        try (GgufFile f = GgufFile.open(seed)) {
            m = new SemanticMutator(f, c);
        }
        int n = 1 + c.nextInt(4);
        for (int i = 0; i < n; i++) {
            m.mutateOnce();
        }
        m.write(out);
    }

    private void mutateOnce() {
        switch (c.nextInt(6)) {
            case 0, 1 -> mutateScalar();
            case 2, 3 -> mutateArray();
            case 4 -> mutateTensor();
            default -> {
                String key = pickKey();
                if (key != null) {
                    values.remove(key);
                }
            }
        }
    }

    private String pickKey() {
        if (values.isEmpty()) {
            return null;
        }
        return new ArrayList<>(values.keySet()).get(c.nextInt(values.size()));
    }

    private void mutateScalar() {
        String key = pickKey();
        if (key == null) {
            return;
        }
        long n = boundary();
        Entry e = switch (c.nextInt(8)) {
            case 0 -> new Entry(GgufValueType.UINT32, n & 0xFFFF_FFFFL);
            case 1 -> new Entry(GgufValueType.INT32, (int) n);
            case 2 -> new Entry(GgufValueType.UINT64, n);
            case 3 -> new Entry(GgufValueType.FLOAT32, new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY, 1e-45f,
                    Float.MAX_VALUE}[c.nextInt(6)]);
            case 4 -> new Entry(GgufValueType.STRING, new String[] {"", "llama", "qwen2", "qwen3", "gpt2", "bert",
                    "linear", "yarn", "none", "llama-bpe", "qwen2", "gpt-2", "default", "x".repeat(300)}[c.nextInt(14)]);
            case 5 -> new Entry(GgufValueType.BOOL, c.nextInt(2) == 0);
            case 6 -> new Entry(GgufValueType.INT8, (byte) n);
            default -> new Entry(GgufValueType.ARRAY, GgufArray.ofInt32((int) n));
        };
        values.put(key, e);
    }

    private long boundary() {
        return switch (c.nextInt(6)) {
            case 0 -> c.nextInt(4);
            case 1 -> -1 - c.nextInt(2);
            case 2 -> new long[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 0xFFFF_FFFFL, 1L << 31, 1L << 32, Long.MAX_VALUE,
                    Long.MIN_VALUE, 100_000_000L, 65536}[c.nextInt(9)];
            case 3 -> 1L << c.nextInt(63);
            case 4 -> c.nextInt(600);
            default -> c.nextLong();
        };
    }

    private void mutateArray() {
        List<String> arrays = values.entrySet().stream().filter(e -> e.getValue().type() == GgufValueType.ARRAY)
                .map(Map.Entry::getKey).toList();
        if (arrays.isEmpty()) {
            return;
        }
        String key = arrays.get(c.nextInt(arrays.size()));
        GgufArray a = (GgufArray) values.get(key).value();
        if (a.size() == 0) {
            return;
        }
        int at = c.nextInt(a.size());
        GgufArray r = switch (a.elementType()) {
            case STRING -> {
                String[] s = a.toStringArray();
                switch (c.nextInt(4)) {
                    case 0 -> s[at] = piece(s);
                    case 1 -> {
                        int len = c.nextInt(s.length + 2);
                        String[] longer = Arrays.copyOf(s, len);
                        Arrays.fill(longer, Math.min(len, s.length), len, "");
                        s = longer;
                    }
                    case 2 -> s[at] = s[c.nextInt(s.length)];
                    default -> {
                        String t = s[at];
                        s[at] = s[0];
                        s[0] = t;
                    }
                }
                yield GgufArray.ofString(s);
            }
            case INT32 -> {
                int[] v = a.toIntArray();
                if (c.nextInt(4) == 0) {
                    v = Arrays.copyOf(v, c.nextInt(v.length + 2));
                } else {
                    v[at] = c.nextInt(3) == 0 ? (int) boundary() : c.nextInt(8) - 1;
                }
                yield GgufArray.ofInt32(v);
            }
            case FLOAT32 -> {
                float[] v = a.toFloatArray();
                if (c.nextInt(4) == 0) {
                    v = Arrays.copyOf(v, c.nextInt(v.length + 2));
                } else {
                    v[at] = new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -0f, 1e30f,
                            -1e30f}[c.nextInt(6)];
                }
                yield GgufArray.ofFloat32(v);
            }
            default -> a;
        };
        values.put(key, new Entry(GgufValueType.ARRAY, r));
    }

    /** A token piece or merge that stresses the tokenizer's assumptions. */
    private String piece(String[] existing) {
        return switch (c.nextInt(12)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> "<0x" + String.format("%02X", c.nextInt(256)) + ">";
            case 3 -> "<0xZZ>";
            case 4 -> "▁";
            case 5 -> "a b c";
            case 6 -> "Ġ";
            case 7 -> existing[c.nextInt(existing.length)] + " " + existing[c.nextInt(existing.length)];
            case 8 -> "x".repeat(1 + c.nextInt(2000));
            case 9 -> "<s>";
            case 10 -> new String(Character.toChars(0x10000 + c.nextInt(0xFFFF)));
            default -> existing[c.nextInt(existing.length)] + existing[c.nextInt(existing.length)];
        };
    }

    private void mutateTensor() {
        if (tensors.isEmpty()) {
            return;
        }
        int i = c.nextInt(tensors.size());
        Tensor t = tensors.get(i);
        switch (c.nextInt(5)) {
            case 0 -> tensors.remove(i);
            case 1 -> tensors.set(i, new Tensor(t.name() + (c.nextInt(2) == 0 ? "x" : ""),
                    t.shape(), t.type(), t.data()));
            case 2 -> {
                GgmlType type = GgmlType.values()[c.nextInt(GgmlType.values().length)];
                reshape(i, t.name(), t.shape(), type);
            }
            default -> {
                long[] shape = t.shape().clone();
                int d = c.nextInt(shape.length);
                shape[d] = new long[] {0, 1, 2, shape[d] * 2, shape[d] / 2, 32, 256, shape[d] + 1}[c.nextInt(8)];
                if (c.nextInt(4) == 0) {
                    shape = Arrays.copyOf(shape, Math.min(4, shape.length + 1));
                    shape[shape.length - 1] = Math.max(1, shape[shape.length - 1]);
                }
                reshape(i, t.name(), shape, t.type());
            }
        }
    }

    /** Replaces tensor {@code i} by zero data of {@code shape} and {@code type}, if that is valid and small. */
    private void reshape(int i, String name, long[] shape, GgmlType type) {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (shape[0] % type.blockSize() != 0 || type.byteSize(count) > MAX_TENSOR_BYTES) {
            return;
        }
        tensors.set(i, new Tensor(name, shape, type, new byte[(int) type.byteSize(count)]));
    }

    private void write(Path out) {
        GgufWriter w = new GgufWriter();
        for (Map.Entry<String, Entry> e : values.entrySet()) {
            put(w, e.getKey(), e.getValue());
        }
        List<String> names = new ArrayList<>();
        for (Tensor t : tensors) {
            if (!names.contains(t.name())) {
                names.add(t.name());
                w.addTensor(t.name(), t.shape(), t.type(), t.data());
            }
        }
        w.write(out);
    }

    private static void put(GgufWriter w, String key, Entry e) {
        Object v = e.value();
        switch (e.type()) {
            case UINT8 -> w.putUint8(key, ((Number) v).intValue() & 0xFF);
            case INT8 -> w.putInt8(key, ((Number) v).byteValue());
            case UINT16 -> w.putUint16(key, ((Number) v).intValue() & 0xFFFF);
            case INT16 -> w.putInt16(key, ((Number) v).shortValue());
            case UINT32 -> w.putUint32(key, ((Number) v).longValue() & 0xFFFF_FFFFL);
            case INT32 -> w.putInt32(key, ((Number) v).intValue());
            case UINT64 -> w.putUint64(key, ((Number) v).longValue());
            case INT64 -> w.putInt64(key, ((Number) v).longValue());
            case FLOAT32 -> w.putFloat32(key, ((Number) v).floatValue());
            case FLOAT64 -> w.putFloat64(key, ((Number) v).doubleValue());
            case BOOL -> w.putBool(key, (Boolean) v);
            case STRING -> w.putString(key, (String) v);
            case ARRAY -> w.putArray(key, (GgufArray) v);
        }
    }
}
