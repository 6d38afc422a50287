package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;

/**
 * Test oracle: decodes element {@code i} of GGML-encoded bytes straight from the block layouts of
 * ggml-common.h / ggml-quants.c ({@code dequantize_row_*}), one element at a time, sharing no code
 * with the kernels or with {@code Quantizer}.
 */
public final class ReferenceDecoder {

    private ReferenceDecoder() {}

    public static float element(GgmlType type, byte[] b, int i) {
        return switch (type) {
            case F32 -> Float.intBitsToFloat(le32(b, 4 * i));
            case F16 -> Float.float16ToFloat((short) le16(b, 2 * i));
            case BF16 -> Float.intBitsToFloat(le16(b, 2 * i) << 16);
            case Q8_0 -> {
                // block_q8_0 { ggml_half d; int8_t qs[32]; }
                int block = (i / 32) * 34;
                yield half(b, block) * b[block + 2 + i % 32];
            }
            case Q4_0 -> {
                // block_q4_0 { ggml_half d; uint8_t qs[16]; }: y[j] = (qs[j] & 15) - 8, y[j + 16] = (qs[j] >> 4) - 8
                int block = (i / 32) * 18;
                int j = i % 32;
                int qs = b[block + 2 + (j & 15)] & 0xFF;
                int q = (j < 16 ? qs & 15 : qs >> 4) - 8;
                yield half(b, block) * q;
            }
            case Q4_K -> {
                // block_q4_K { half d; half dmin; uint8_t scales[12]; uint8_t qs[128]; }
                int block = (i / 256) * 144;
                int j = i % 256;
                int is = j / 32; // sub-block: get_scale_min_k4(is, scales)
                int sc;
                int m;
                int s = block + 4;
                if (is < 4) {
                    sc = b[s + is] & 63;
                    m = b[s + is + 4] & 63;
                } else {
                    sc = (b[s + is + 4] & 0xF) | (((b[s + is - 4] & 0xFF) >> 6) << 4);
                    m = ((b[s + is + 4] & 0xFF) >> 4) | (((b[s + is] & 0xFF) >> 6) << 4);
                }
                int qs = b[block + 16 + (j / 64) * 32 + j % 32] & 0xFF;
                int q = (j % 64) < 32 ? qs & 0xF : qs >> 4;
                float d1 = half(b, block) * sc;
                float m1 = half(b, block + 2) * m;
                yield d1 * q - m1;
            }
            case Q6_K -> {
                // block_q6_K { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; half d; }
                int block = (i / 256) * 210;
                int j = i % 256;
                int n = j / 128;     // 128-element half: ql += 64, qh += 32, sc += 8
                int l = j % 32;
                int part = (j % 128) / 32; // y[l], y[l+32], y[l+64], y[l+96]
                int ql = b[block + 64 * n + l + (part == 1 || part == 3 ? 32 : 0)] & 0xFF;
                int qh = b[block + 128 + 32 * n + l] & 0xFF;
                int low = part < 2 ? ql & 0xF : ql >> 4;
                int q = (low | ((qh >> (2 * part)) & 3) << 4) - 32;
                int sc = b[block + 192 + 8 * n + l / 16 + 2 * part];
                yield half(b, block + 208) * sc * q;
            }
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    private static float half(byte[] b, int at) {
        return Float.float16ToFloat((short) le16(b, at));
    }

    private static int le16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int le32(byte[] b, int at) {
        return le16(b, at) | le16(b, at + 2) << 16;
    }
}
