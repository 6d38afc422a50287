package dev.logprobs4j.gguf;

import java.util.Objects;

/**
 * Encoder and scalar decoder of GGML tensor data for the types the engine computes with: F32,
 * F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and IQ4_XS.
 * Stateless and thread-safe.
 *
 * <p>The encoders write valid blocks. For Q4_K and Q6_K they use simple, predictable rounding
 * (no search for the error-minimising scales); the other types follow the semantics of ggml's
 * reference quantisers (see {@code MoreQuants}). They exist to build test models and test data.
 * {@link #dequantize} is a plain element-by-element decoder, kept
 * deliberately simple so that tests can use it as an oracle.
 */
public final class Quantizer {

    private static final int QK = 32;
    private static final int QK_K = 256;

    private Quantizer() {}

    /**
     * Encodes {@code values} as {@code type}, little-endian, block after block.
     *
     * @throws IllegalArgumentException if the type is not supported or {@code values.length} is
     *     not a whole number of blocks
     */
    public static byte[] quantize(GgmlType type, float[] values) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(values, "values");
        int n = values.length;
        byte[] out = new byte[Math.toIntExact(checkedByteSize(type, n))];
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    putInt(out, 4 * i, Float.floatToRawIntBits(values[i]));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    putShort(out, 2 * i, Float.floatToFloat16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    putShort(out, 2 * i, toBf16(values[i]));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / QK; b++) {
                    quantizeQ8_0(values, b * QK, out, b * type.blockBytes());
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n / QK; b++) {
                    quantizeQ4_0(values, b * QK, out, b * type.blockBytes());
                }
            }
            case Q4_K -> {
                for (int b = 0; b < n / QK_K; b++) {
                    quantizeQ4_K(values, b * QK_K, out, b * type.blockBytes());
                }
            }
            case Q6_K -> {
                for (int b = 0; b < n / QK_K; b++) {
                    quantizeQ6_K(values, b * QK_K, out, b * type.blockBytes());
                }
            }
            case Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K, IQ4_XS -> {
                for (int b = 0; b < n / type.blockSize(); b++) {
                    MoreQuants.quantize(type, values, b * type.blockSize(), out, b * type.blockBytes());
                }
            }
            default -> throw unsupported(type);
        }
        return out;
    }

    /**
     * Decodes the first {@code count} values of {@code type} from {@code data}.
     *
     * @throws IllegalArgumentException if the type is not supported, {@code count} is not a whole
     *     number of blocks or {@code data} is shorter than {@code count} values need
     */
    public static float[] dequantize(GgmlType type, byte[] data, int count) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        long needed = checkedByteSize(type, count);
        if (data.length < needed) {
            throw new IllegalArgumentException(count + " " + type + " values need " + needed
                    + " bytes but data holds " + data.length);
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = element(type, data, i);
        }
        return out;
    }

    /** Value {@code i} of the {@code type}-encoded {@code data}, decoded on its own. */
    private static float element(GgmlType type, byte[] data, int i) {
        int block = i / type.blockSize() * type.blockBytes();
        int k = i % type.blockSize();
        return switch (type) {
            case F32 -> Float.intBitsToFloat(getInt(data, 4 * i));
            case F16 -> Float.float16ToFloat(getShort(data, 2 * i));
            case BF16 -> Float.intBitsToFloat((getShort(data, 2 * i) & 0xFFFF) << 16);
            case Q8_0 -> f16(data, block) * data[block + 2 + k];
            case Q4_0 -> {
                int packed = data[block + 2 + k % 16] & 0xFF;
                int nibble = k < 16 ? packed & 0xF : packed >>> 4;
                yield f16(data, block) * (nibble - 8);
            }
            case Q4_K -> {
                int sub = k / 32;
                int packed = data[block + 16 + 32 * (sub / 2) + k % 32] & 0xFF;
                int q = sub % 2 == 0 ? packed & 0xF : packed >>> 4;
                int[] sm = q4KScaleMin(data, block + 4, sub);
                yield f16(data, block) * sm[0] * q - f16(data, block + 2) * sm[1];
            }
            case Q6_K -> {
                int half = k / 128;
                int quarter = k % 128 / 32;
                int l = k % 32;
                int low = data[block + 64 * half + 32 * (quarter % 2) + l] & 0xFF;
                low = quarter < 2 ? low & 0xF : low >>> 4;
                int high = (data[block + 128 + 32 * half + l] >>> (2 * quarter)) & 3;
                int q = (low | high << 4) - 32;
                yield f16(data, block + 208) * data[block + 192 + k / 16] * q;
            }
            case Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K, IQ4_XS -> MoreQuants.element(type, data, block, k);
            default -> throw unsupported(type);
        };
    }

    // ---- block encoders ----

    private static void quantizeQ8_0(float[] x, int from, byte[] out, int at) {
        float amax = 0f;
        for (int i = 0; i < QK; i++) {
            amax = Math.max(amax, Math.abs(x[from + i]));
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        putShort(out, at, Float.floatToFloat16(d));
        for (int i = 0; i < QK; i++) {
            out[at + 2 + i] = (byte) Math.round(x[from + i] * id);
        }
    }

    private static void quantizeQ4_0(float[] x, int from, byte[] out, int at) {
        // The value of largest magnitude maps exactly to nibble 0 (-8 * d); the other sign gets 7 steps.
        float max = 0f;
        for (int i = 0; i < QK; i++) {
            if (Math.abs(x[from + i]) > Math.abs(max)) {
                max = x[from + i];
            }
        }
        float d = max / -8f;
        float id = d != 0f ? 1f / d : 0f;
        putShort(out, at, Float.floatToFloat16(d));
        for (int i = 0; i < QK / 2; i++) {
            int low = Math.clamp((int) (x[from + i] * id + 8.5f), 0, 15);
            int high = Math.clamp((int) (x[from + i + QK / 2] * id + 8.5f), 0, 15);
            out[at + 2 + i] = (byte) (low | high << 4);
        }
    }

    private static void quantizeQ4_K(float[] x, int from, byte[] out, int at) {
        // Each 32-value sub-block spans [-min, -min + 15 * scale]; scales and mins are then
        // quantised to 6 bits against the largest of each, rounding up so that the range still fits.
        float[] scale = new float[8];
        float[] min = new float[8];
        float maxScale = 0f;
        float maxMin = 0f;
        for (int s = 0; s < 8; s++) {
            float lo = 0f;
            float hi = 0f;
            for (int i = 0; i < 32; i++) {
                float v = x[from + 32 * s + i];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            scale[s] = (hi - lo) / 15f;
            min[s] = -lo;
            maxScale = Math.max(maxScale, scale[s]);
            maxMin = Math.max(maxMin, min[s]);
        }
        short dBits = Float.floatToFloat16(maxScale / 63f);
        short dminBits = Float.floatToFloat16(maxMin / 63f);
        float d = Float.float16ToFloat(dBits);
        float dmin = Float.float16ToFloat(dminBits);
        putShort(out, at, dBits);
        putShort(out, at + 2, dminBits);
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int s = 0; s < 8; s++) {
            sc[s] = d > 0f ? Math.clamp((int) Math.ceil(scale[s] / d), 0, 63) : 0;
            m[s] = dmin > 0f ? Math.clamp((int) Math.ceil(min[s] / dmin), 0, 63) : 0;
        }
        for (int j = 0; j < 4; j++) {
            out[at + 4 + j] = (byte) (sc[j] | (sc[j + 4] >>> 4) << 6);
            out[at + 4 + j + 4] = (byte) (m[j] | (m[j + 4] >>> 4) << 6);
            out[at + 4 + j + 8] = (byte) ((sc[j + 4] & 0xF) | (m[j + 4] & 0xF) << 4);
        }
        for (int s = 0; s < 8; s++) {
            float step = d * sc[s];
            float offset = dmin * m[s];
            for (int i = 0; i < 32; i++) {
                int q = step > 0f ? Math.clamp(Math.round((x[from + 32 * s + i] + offset) / step), 0, 15) : 0;
                int index = at + 16 + 32 * (s / 2) + i;
                out[index] = (byte) (out[index] | (s % 2 == 0 ? q : q << 4));
            }
        }
    }

    private static void quantizeQ6_K(float[] x, int from, byte[] out, int at) {
        // Each 16-value group gets scale amax / 31; the group scales are quantised to 8 bits
        // against the largest, rounding up so that every value still fits in [-32, 31].
        float[] groupScale = new float[16];
        float maxScale = 0f;
        for (int g = 0; g < 16; g++) {
            float amax = 0f;
            for (int i = 0; i < 16; i++) {
                amax = Math.max(amax, Math.abs(x[from + 16 * g + i]));
            }
            groupScale[g] = amax / 31f;
            maxScale = Math.max(maxScale, groupScale[g]);
        }
        short dBits = Float.floatToFloat16(maxScale / 127f);
        float d = Float.float16ToFloat(dBits);
        putShort(out, at + 208, dBits);
        for (int g = 0; g < 16; g++) {
            int sc = d > 0f ? Math.clamp((int) Math.ceil(groupScale[g] / d), 0, 127) : 0;
            out[at + 192 + g] = (byte) sc;
            float step = d * sc;
            for (int i = 0; i < 16; i++) {
                int k = 16 * g + i;
                int q = step > 0f ? Math.clamp(Math.round(x[from + k] / step), -32, 31) + 32 : 32;
                int half = k / 128;
                int quarter = k % 128 / 32;
                int l = k % 32;
                int lowIndex = at + 64 * half + 32 * (quarter % 2) + l;
                out[lowIndex] = (byte) (out[lowIndex] | (quarter < 2 ? q & 0xF : (q & 0xF) << 4));
                int highIndex = at + 128 + 32 * half + l;
                out[highIndex] = (byte) (out[highIndex] | (q >>> 4) << (2 * quarter));
            }
        }
    }

    // ---- helpers ----

    private static int[] q4KScaleMin(byte[] data, int scales, int j) {
        if (j < 4) {
            return new int[] {data[scales + j] & 63, data[scales + j + 4] & 63};
        }
        int packed = data[scales + j + 4] & 0xFF;
        return new int[] {
            (packed & 0xF) | ((data[scales + j - 4] & 0xFF) >>> 6) << 4,
            (packed >>> 4) | ((data[scales + j] & 0xFF) >>> 6) << 4
        };
    }

    /** Round-to-nearest-even truncation to bfloat16, keeping NaNs quiet NaNs. */
    private static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    private static long checkedByteSize(GgmlType type, long count) {
        switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_XS -> {
                return type.byteSize(count);
            }
            default -> throw unsupported(type);
        }
    }

    private static IllegalArgumentException unsupported(GgmlType type) {
        return new IllegalArgumentException("type " + type
                + " is not supported; supported types are F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K,"
                + " Q4_K, Q5_K, Q6_K and IQ4_XS");
    }

    private static float f16(byte[] data, int at) {
        return Float.float16ToFloat(getShort(data, at));
    }

    private static short getShort(byte[] data, int at) {
        return (short) ((data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8);
    }

    private static int getInt(byte[] data, int at) {
        return (data[at] & 0xFF) | (data[at + 1] & 0xFF) << 8 | (data[at + 2] & 0xFF) << 16 | (data[at + 3] & 0xFF) << 24;
    }

    private static void putShort(byte[] out, int at, short value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
    }

    private static void putInt(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) (value >>> 16);
        out[at + 3] = (byte) (value >>> 24);
    }
}
