package dev.logprobs4j.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builder of GGUF v3 files, for tests and for benchmarks that need synthetic models.
 *
 * <p>Not thread-safe. Metadata keeps insertion order (putting a key again replaces its value in
 * place); tensors are written in the order added, each aligned to {@link #alignment(int)}
 * (default 32), which is also recorded as {@code general.alignment} when it is not the default.
 *
 * {@snippet :
 * GgufWriter w = new GgufWriter()
 *         .putString("general.architecture", "llama")
 *         .putUint32("llama.block_count", 2)
 *         .addTensor("token_embd.weight", new long[] {8, 16}, new float[8 * 16]);
 * w.write(path);
 * }
 */
public final class GgufWriter {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, GgufValueType> types = new LinkedHashMap<>();
    private final List<GgufTensorInfo> tensors = new ArrayList<>();
    private final List<byte[]> tensorData = new ArrayList<>();
    private int alignment = GgufParser.DEFAULT_ALIGNMENT;
    private long nextOffset;

    /** Sets the data alignment, a power of two; default 32. Must be called before adding tensors. */
    public GgufWriter alignment(int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, is " + alignment);
        }
        if (!tensors.isEmpty()) {
            throw new IllegalStateException("alignment must be set before tensors are added");
        }
        this.alignment = alignment;
        if (alignment != GgufParser.DEFAULT_ALIGNMENT) {
            put("general.alignment", GgufValueType.UINT32, (long) alignment);
        } else {
            values.remove("general.alignment");
            types.remove("general.alignment");
        }
        return this;
    }

    public GgufWriter putUint8(String key, int v) {
        checkRange(key, v, 0, 0xFF);
        return put(key, GgufValueType.UINT8, (short) v);
    }

    public GgufWriter putInt8(String key, byte v) {
        return put(key, GgufValueType.INT8, v);
    }

    public GgufWriter putUint16(String key, int v) {
        checkRange(key, v, 0, 0xFFFF);
        return put(key, GgufValueType.UINT16, v);
    }

    public GgufWriter putInt16(String key, short v) {
        return put(key, GgufValueType.INT16, v);
    }

    public GgufWriter putUint32(String key, long v) {
        checkRange(key, v, 0, 0xFFFF_FFFFL);
        return put(key, GgufValueType.UINT32, v);
    }

    public GgufWriter putInt32(String key, int v) {
        return put(key, GgufValueType.INT32, v);
    }

    /** Puts a UINT64; values above {@link Long#MAX_VALUE} are passed as their two's complement bits. */
    public GgufWriter putUint64(String key, long v) {
        return put(key, GgufValueType.UINT64, v);
    }

    public GgufWriter putInt64(String key, long v) {
        return put(key, GgufValueType.INT64, v);
    }

    public GgufWriter putFloat32(String key, float v) {
        return put(key, GgufValueType.FLOAT32, v);
    }

    public GgufWriter putFloat64(String key, double v) {
        return put(key, GgufValueType.FLOAT64, v);
    }

    public GgufWriter putBool(String key, boolean v) {
        return put(key, GgufValueType.BOOL, v);
    }

    public GgufWriter putString(String key, String v) {
        return put(key, GgufValueType.STRING, Objects.requireNonNull(v, "value"));
    }

    public GgufWriter putArray(String key, GgufArray v) {
        return put(key, GgufValueType.ARRAY, Objects.requireNonNull(v, "value"));
    }

    public GgufWriter putStringArray(String key, String... v) {
        return putArray(key, GgufArray.ofString(v));
    }

    public GgufWriter putInt32Array(String key, int... v) {
        return putArray(key, GgufArray.ofInt32(v));
    }

    public GgufWriter putFloat32Array(String key, float... v) {
        return putArray(key, GgufArray.ofFloat32(v));
    }

    /** Copies every entry of {@code metadata} (keeping its types), e.g. to reuse a real tokenizer. */
    public GgufWriter putAll(GgufMetadata metadata) {
        for (String k : metadata.keys()) {
            put(k, metadata.type(k), metadata.get(k));
        }
        return this;
    }

    private GgufWriter put(String key, GgufValueType type, Object v) {
        Objects.requireNonNull(key, "key");
        values.put(key, v);
        types.put(key, type);
        return this;
    }

    private static void checkRange(String key, long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("value of '" + key + "' must be within [" + min + ", " + max + "], is " + v);
        }
    }

    /**
     * Adds a tensor of raw, already encoded bytes.
     *
     * @param shape ggml order: {@code shape[0]} is the contiguous dimension
     * @throws IllegalArgumentException if {@code rawData} does not hold exactly the bytes the shape and type need
     */
    public GgufWriter addTensor(String name, long[] shape, GgmlType type, byte[] rawData) {
        Objects.requireNonNull(rawData, "rawData");
        for (GgufTensorInfo t : tensors) {
            if (t.name().equals(name)) {
                throw new IllegalArgumentException("tensor '" + name + "' was already added");
            }
        }
        GgufTensorInfo info = GgufTensorInfo.of(name, shape, type, nextOffset);
        if (info.byteSize() != rawData.length) {
            throw new IllegalArgumentException("rawData of '" + name + "' must have " + info.byteSize() + " bytes for "
                    + type + " " + Arrays.toString(shape) + ", has " + rawData.length);
        }
        tensors.add(info);
        tensorData.add(rawData);
        nextOffset = alignUp(nextOffset + rawData.length, alignment);
        return this;
    }

    /** Adds an F32 tensor. */
    public GgufWriter addTensor(String name, long[] shape, float[] f32Values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(f32Values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f32Values);
        return addTensor(name, shape, GgmlType.F32, b.array());
    }

    /** Writes the file (GGUF v3), replacing {@code path} if it exists. */
    public void write(Path path) {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
            Sink s = new Sink(out);
            s.u32(GgufParser.MAGIC);
            s.u32(3);
            s.u64(tensors.size());
            s.u64(values.size());
            for (Map.Entry<String, Object> e : values.entrySet()) {
                s.string(e.getKey());
                GgufValueType t = types.get(e.getKey());
                s.u32(t.id());
                s.value(t, e.getValue());
            }
            for (GgufTensorInfo t : tensors) {
                s.string(t.name());
                s.u32(t.rank());
                for (long d : t.shape()) {
                    s.u64(d);
                }
                s.u32(t.type().id());
                s.u64(t.offset());
            }
            s.pad(alignment);
            long dataStart = s.written;
            for (int i = 0; i < tensors.size(); i++) {
                s.pad(alignment);
                if (s.written - dataStart != tensors.get(i).offset()) {
                    throw new IllegalStateException("internal: tensor offset mismatch");
                }
                s.bytes(tensorData.get(i));
            }
            s.pad(alignment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /** Little-endian encoder that counts bytes written. */
    private static final class Sink {
        final OutputStream out;
        final byte[] buf = new byte[8];
        long written;

        Sink(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            out.write(b);
            written += b.length;
        }

        void le(long v, int n) throws IOException {
            for (int i = 0; i < n; i++) {
                buf[i] = (byte) (v >>> (8 * i));
            }
            out.write(buf, 0, n);
            written += n;
        }

        void u32(long v) throws IOException {
            le(v, 4);
        }

        void u64(long v) throws IOException {
            le(v, 8);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void pad(int alignment) throws IOException {
            while (written % alignment != 0) {
                out.write(0);
                written++;
            }
        }

        void value(GgufValueType t, Object v) throws IOException {
            switch (t) {
                case UINT8, INT8 -> le(((Number) v).longValue(), 1);
                case UINT16, INT16 -> le(((Number) v).longValue(), 2);
                case UINT32, INT32 -> le(((Number) v).longValue(), 4);
                case UINT64, INT64 -> le(((Number) v).longValue(), 8);
                case FLOAT32 -> le(Float.floatToRawIntBits((Float) v), 4);
                case FLOAT64 -> le(Double.doubleToRawLongBits((Double) v), 8);
                case BOOL -> le((Boolean) v ? 1 : 0, 1);
                case STRING -> string((String) v);
                case ARRAY -> array((GgufArray) v);
            }
        }

        void array(GgufArray a) throws IOException {
            GgufValueType et = a.elementType();
            u32(et.id());
            u64(a.size());
            Object raw = a.raw();
            int n = a.size();
            switch (et) {
                case UINT8, INT8 -> bytes((byte[]) raw);
                case UINT16, INT16 -> {
                    for (short x : (short[]) raw) le(x, 2);
                }
                case UINT32, INT32 -> {
                    for (int x : (int[]) raw) le(x, 4);
                }
                case UINT64, INT64 -> {
                    for (long x : (long[]) raw) le(x, 8);
                }
                case FLOAT32 -> {
                    for (float x : (float[]) raw) le(Float.floatToRawIntBits(x), 4);
                }
                case FLOAT64 -> {
                    for (double x : (double[]) raw) le(Double.doubleToRawLongBits(x), 8);
                }
                case BOOL -> {
                    for (boolean x : (boolean[]) raw) le(x ? 1 : 0, 1);
                }
                case STRING -> {
                    for (String x : (String[]) raw) string(x);
                }
                case ARRAY -> {
                    for (int i = 0; i < n; i++) array(((GgufArray[]) raw)[i]);
                }
            }
        }
    }
}
