package dev.logprobs4j.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Parser of a GGUF header from a mapped file. Every count and length read from the file is checked
 * against the bytes that remain before anything is allocated, so corrupt input fails with
 * {@link GgufFormatException} instead of running out of memory. Not thread-safe; used once.
 */
final class GgufParser {
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    static final int DEFAULT_ALIGNMENT = 32;
    /** ggml itself never nests arrays; a small bound keeps hostile files from exhausting the stack. */
    private static final int MAX_ARRAY_DEPTH = 8;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    record Header(int version, int alignment, long dataOffset, GgufMetadata metadata, List<GgufTensorInfo> tensors) {}

    private final Path path;
    private final MemorySegment seg;
    private final long size;
    private long pos;

    GgufParser(Path path, MemorySegment seg) {
        this.path = path;
        this.seg = seg;
        this.size = seg.byteSize();
    }

    Header parse() {
        need(4, "the magic number");
        int magic = seg.get(U32, pos);
        if (magic != MAGIC) {
            throw error(0, "not a GGUF file: magic is 0x" + Integer.toHexString(Integer.reverseBytes(magic))
                    + ", expected 0x47475546 (\"GGUF\")");
        }
        pos += 4;
        long versionPos = pos;
        long version = u32("the version");
        if (version != 2 && version != 3) {
            throw error(versionPos, "GGUF version " + version + " is not supported (supported: 2, 3)"
                    + (version == 1 ? "; version 1 files are obsolete, re-convert the model with a current llama.cpp" : ""));
        }
        long tensorCountPos = pos;
        long tensorCount = u64("the tensor count");
        long kvCountPos = pos;
        long kvCount = u64("the metadata count");
        // Each entry needs at least 8+1 (key) + 4 (type) + 1 bytes; each tensor 8+1 + 4 + 8 + 4 + 8 bytes.
        checkCount(kvCountPos, kvCount, 14, "metadata entries");
        checkCount(tensorCountPos, tensorCount, 33, "tensors");

        LinkedHashMap<String, Object> values = new LinkedHashMap<>();
        LinkedHashMap<String, GgufValueType> types = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long keyPos = pos;
            String key = string("metadata key #" + i);
            if (values.containsKey(key)) {
                throw error(keyPos, "metadata key '" + key + "' appears twice");
            }
            long typePos = pos;
            GgufValueType type = valueType("metadata key '" + key + "'");
            values.put(key, value(type, "metadata key '" + key + "'", 0, typePos));
            types.put(key, type);
        }
        GgufMetadata metadata = new GgufMetadata(path, values, types);

        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.contains("general.alignment")) {
            Object a = metadata.get("general.alignment");
            long al = a instanceof Number n && metadata.type("general.alignment").isInteger() ? n.longValue() : -1;
            if (al <= 0 || al > (1 << 30) || Long.bitCount(al) != 1) {
                throw error(-1, "general.alignment is " + metadata.type("general.alignment") + " " + a
                        + ", must be an integer power of two");
            }
            alignment = (int) al;
        }

        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 4096));
        List<Long> infoPositions = new ArrayList<>((int) Math.min(tensorCount, 4096));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long infoPos = pos;
            String name = string("the name of tensor #" + i);
            if (!names.add(name)) {
                throw error(infoPos, "tensor '" + name + "' appears twice");
            }
            long dimsPos = pos;
            long nDims = u32("the rank of tensor '" + name + "'");
            if (nDims < 1 || nDims > 4) {
                throw error(dimsPos, "tensor '" + name + "' has " + nDims + " dimensions, must be 1 to 4");
            }
            long[] shape = new long[(int) nDims];
            long count = 1;
            for (int d = 0; d < nDims; d++) {
                long dPos = pos;
                shape[d] = u64("dimension " + d + " of tensor '" + name + "'");
                if (shape[d] < 0) {
                    throw error(dPos, "tensor '" + name + "' has dimension " + d + " = " + Long.toUnsignedString(shape[d])
                            + ", too large");
                }
                try {
                    count = Math.multiplyExact(count, shape[d]);
                } catch (ArithmeticException e) {
                    throw error(dPos, "tensor '" + name + "' has shape " + Arrays.toString(Arrays.copyOf(shape, d + 1))
                            + " whose element count overflows");
                }
            }
            long typePos = pos;
            long typeId = u32("the type of tensor '" + name + "'");
            GgmlType type = typeId <= Integer.MAX_VALUE ? GgmlType.byId((int) typeId) : null;
            if (type == null) {
                throw error(typePos, "tensor '" + name + "' has type id " + typeId + ", which is not a GGML type (known: "
                        + knownTypes() + ")");
            }
            if (shape[0] % type.blockSize() != 0) {
                throw error(dimsPos, "tensor '" + name + "' of type " + type + " has ne0 = " + shape[0]
                        + ", not a multiple of the block size " + type.blockSize());
            }
            long offsetPos = pos;
            long offset = u64("the data offset of tensor '" + name + "'");
            if (offset < 0 || offset % alignment != 0) {
                throw error(offsetPos, "tensor '" + name + "' has data offset " + Long.toUnsignedString(offset)
                        + ", which is not a multiple of the alignment " + alignment);
            }
            long bytes;
            try {
                bytes = type.byteSize(count);
            } catch (ArithmeticException e) {
                throw error(dimsPos, "tensor '" + name + "' is too large: " + count + " elements of " + type);
            }
            tensors.add(new GgufTensorInfo(name, shape, type, offset, bytes));
            infoPositions.add(infoPos);
        }

        long dataOffset = alignUp(pos, alignment);
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            long end = dataOffset > size ? Long.MAX_VALUE : dataOffset + t.offset();
            if (end < 0 || end > size || t.byteSize() > size - end) {
                throw error(infoPositions.get(i), "tensor '" + t.name() + "' (" + t.type() + " " + Arrays.toString(t.shape())
                        + ", " + t.byteSize() + " bytes at data offset " + t.offset() + ") ends beyond the end of the file ("
                        + size + " bytes, data section at " + dataOffset + "); the file is truncated or corrupt");
            }
        }
        return new Header((int) version, alignment, dataOffset, metadata, tensors);
    }

    private static String knownTypes() {
        StringBuilder sb = new StringBuilder();
        for (GgmlType t : GgmlType.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t).append('=').append(t.id());
        }
        return sb.toString();
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) / a * a;
    }

    private Object value(GgufValueType type, String what, int depth, long typePos) {
        return switch (type) {
            case UINT8 -> (short) Byte.toUnsignedInt(u8(what));
            case INT8 -> u8(what);
            case UINT16 -> Short.toUnsignedInt(i16(what));
            case INT16 -> i16(what);
            case UINT32 -> u32(what);
            case INT32 -> (int) u32(what);
            case UINT64, INT64 -> u64(what);
            case FLOAT32 -> {
                need(4, what);
                float f = seg.get(F32, pos);
                pos += 4;
                yield f;
            }
            case FLOAT64 -> {
                need(8, what);
                double d = seg.get(F64, pos);
                pos += 8;
                yield d;
            }
            case BOOL -> bool(what);
            case STRING -> string(what);
            case ARRAY -> array(what, depth, typePos);
        };
    }

    private GgufArray array(String what, int depth, long typePos) {
        if (depth >= MAX_ARRAY_DEPTH) {
            throw error(typePos, what + " nests arrays deeper than " + MAX_ARRAY_DEPTH + " levels");
        }
        GgufValueType et = valueType("the element type of " + what);
        long countPos = pos;
        long count = u64("the element count of " + what);
        checkCount(countPos, count, et.minBytes(), "elements of " + what);
        if (count > Integer.MAX_VALUE - 8) {
            throw error(countPos, what + " claims " + count + " elements, more than a Java array holds");
        }
        int n = (int) count;
        Object values = switch (et) {
            case UINT8, INT8 -> {
                byte[] a = new byte[n];
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, a, 0, n);
                pos += n;
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = new short[n];
                MemorySegment.copy(seg, U16, pos, a, 0, n);
                pos += 2L * n;
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = new int[n];
                MemorySegment.copy(seg, U32, pos, a, 0, n);
                pos += 4L * n;
                yield a;
            }
            case UINT64, INT64 -> {
                long[] a = new long[n];
                MemorySegment.copy(seg, U64, pos, a, 0, n);
                pos += 8L * n;
                yield a;
            }
            case FLOAT32 -> {
                float[] a = new float[n];
                MemorySegment.copy(seg, F32, pos, a, 0, n);
                pos += 4L * n;
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                MemorySegment.copy(seg, F64, pos, a, 0, n);
                pos += 8L * n;
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bool(what);
                }
                yield a;
            }
            case STRING -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string(what);
                }
                yield a;
            }
            case ARRAY -> {
                GgufArray[] a = new GgufArray[n];
                for (int i = 0; i < n; i++) {
                    a[i] = array(what + "[" + i + "]", depth + 1, pos);
                }
                yield a;
            }
        };
        return new GgufArray(et, values);
    }

    private GgufValueType valueType(String what) {
        long p = pos;
        long id = u32("the value type of " + what);
        GgufValueType t = GgufValueType.byId(id);
        if (t == null) {
            throw error(p, what + " has value type id " + id + ", which is not a GGUF type (known: 0..12)");
        }
        return t;
    }

    private String string(String what) {
        long p = pos;
        long len = u64("the length of " + what);
        if (len < 0 || len > size - pos) {
            throw error(p, what + " claims a string of " + Long.toUnsignedString(len) + " bytes but only "
                    + (size - pos) + " bytes remain in the file");
        }
        if (len > Integer.MAX_VALUE - 8) {
            throw error(p, what + " claims a string of " + len + " bytes, longer than a Java string holds");
        }
        byte[] b = new byte[(int) len];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, b, 0, b.length);
        pos += len;
        return new String(b, StandardCharsets.UTF_8);
    }

    private boolean bool(String what) {
        long p = pos;
        byte b = u8(what);
        if (b != 0 && b != 1) {
            throw error(p, what + " has bool byte " + b + ", must be 0 or 1");
        }
        return b == 1;
    }

    private byte u8(String what) {
        need(1, what);
        return seg.get(ValueLayout.JAVA_BYTE, pos++);
    }

    private short i16(String what) {
        need(2, what);
        short v = seg.get(U16, pos);
        pos += 2;
        return v;
    }

    private long u32(String what) {
        need(4, what);
        long v = Integer.toUnsignedLong(seg.get(U32, pos));
        pos += 4;
        return v;
    }

    private long u64(String what) {
        need(8, what);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    private void need(long n, String what) {
        if (n > size - pos) {
            throw error(pos, "file ends while reading " + what + ": needs " + n + " bytes, " + (size - pos)
                    + " remain (the file is truncated)");
        }
    }

    private void checkCount(long at, long count, long minBytesEach, String what) {
        long remaining = size - pos;
        if (count < 0 || count > remaining / minBytesEach) {
            throw error(at, "the file claims " + Long.toUnsignedString(count) + " " + what + ", but the remaining "
                    + remaining + " bytes hold at most " + remaining / minBytesEach);
        }
    }

    private GgufFormatException error(long at, String detail) {
        return new GgufFormatException(path, at, detail);
    }
}
