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
            case Q4_1 -> {
                // block_q4_1 { half d; half m; uint8_t qs[16]; }: y[j] = (qs[j] & 15) * d + m, y[j + 16] = (qs[j] >> 4) * d + m
                int block = (i / 32) * 20;
                int j = i % 32;
                int qs = b[block + 4 + (j & 15)] & 0xFF;
                yield half(b, block) * (j < 16 ? qs & 15 : qs >> 4) + half(b, block + 2);
            }
            case Q5_0, Q5_1 -> {
                // block_q5_0 { half d; uint8_t qh[4]; uint8_t qs[16]; }, block_q5_1 { half d; half m; uint8_t qh[4]; uint8_t qs[16]; }
                // xh_0 = ((qh >> j) << 4) & 0x10, xh_1 = (qh >> (j + 12)) & 0x10
                boolean one = type == GgmlType.Q5_1;
                int block = (i / 32) * (one ? 24 : 22);
                int qhAt = block + (one ? 4 : 2);
                int j = i % 32;
                int qh = le32(b, qhAt);
                int qs = b[qhAt + 4 + (j & 15)] & 0xFF;
                int q = j < 16 ? (qs & 15) | (((qh >> j) << 4) & 0x10) : (qs >> 4) | ((qh >> (j - 16 + 12)) & 0x10);
                yield one ? half(b, block) * q + half(b, block + 2) : half(b, block) * (q - 16);
            }
            case IQ4_NL -> {
                // block_iq4_nl { half d; uint8_t qs[16]; }: y[j] = d * kvalues[qs[j] & 15], y[j + 16] = d * kvalues[qs[j] >> 4]
                int block = (i / 32) * 18;
                int j = i % 32;
                int qs = b[block + 2 + (j & 15)] & 0xFF;
                yield half(b, block) * IQ4NL[j < 16 ? qs & 15 : qs >> 4];
            }
            case IQ4_XS -> {
                // block_iq4_xs { half d; uint16_t scales_h; uint8_t scales_l[4]; uint8_t qs[128]; }
                int block = (i / 256) * 136;
                int j = i % 256;
                int ib = j / 32;
                int ls = ((b[block + 4 + ib / 2] >> 4 * (ib % 2)) & 0xf) | (((le16(b, block + 2) >> 2 * ib) & 3) << 4);
                int qs = b[block + 8 + 16 * ib + (j % 32 & 15)] & 0xFF;
                yield half(b, block) * (ls - 32) * IQ4NL[j % 32 < 16 ? qs & 15 : qs >> 4];
            }
            case Q2_K -> {
                // block_q2_K { uint8_t scales[16]; uint8_t qs[64]; half d; half dmin; }
                int block = (i / 256) * 84;
                int j = i % 256;
                int n = j / 128;
                int shift = 2 * ((j % 128) / 32);
                int sc = b[block + j / 16] & 0xFF;
                int q = ((b[block + 16 + 32 * n + j % 32] & 0xFF) >> shift) & 3;
                yield half(b, block + 80) * (sc & 0xF) * q - half(b, block + 82) * (sc >> 4);
            }
            case Q3_K -> {
                // block_q3_K { uint8_t hmask[32]; uint8_t qs[64]; uint8_t scales[12]; half d; }: the kmask1/kmask2 unpacking
                int block = (i / 256) * 110;
                int j = i % 256;
                int[] aux = new int[4];
                for (int w = 0; w < 3; w++) {
                    aux[w] = le32(b, block + 96 + 4 * w);
                }
                int tmp = aux[2];
                int kmask1 = 0x03030303;
                int kmask2 = 0x0f0f0f0f;
                aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
                aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
                aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
                aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
                int is = j / 16;
                int sc = (byte) (aux[is / 4] >> (8 * (is % 4)));
                int n = j / 128;
                int jj = (j % 128) / 32;
                int low = ((b[block + 32 + 32 * n + j % 32] & 0xFF) >> (2 * jj)) & 3;
                int m = 1 << (4 * n + jj);
                int q = low - ((b[block + j % 32] & m) != 0 ? 0 : 4);
                yield half(b, block + 108) * (sc - 32) * q;
            }
            case Q5_K -> {
                // block_q5_K { half d; half dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; }
                int block = (i / 256) * 176;
                int j = i % 256;
                int is = j / 32;
                int s = block + 4;
                int sc;
                int m;
                if (is < 4) {
                    sc = b[s + is] & 63;
                    m = b[s + is + 4] & 63;
                } else {
                    sc = (b[s + is + 4] & 0xF) | (((b[s + is - 4] & 0xFF) >> 6) << 4);
                    m = ((b[s + is + 4] & 0xFF) >> 4) | (((b[s + is] & 0xFF) >> 6) << 4);
                }
                int ql = b[block + 48 + (j / 64) * 32 + j % 32] & 0xFF;
                int u = 1 << is; // u1 = 1, u2 = 2, shifted left by 2 per 64 weights
                int q = ((j % 64) < 32 ? ql & 0xF : ql >> 4) + ((b[block + 16 + j % 32] & u) != 0 ? 16 : 0);
                yield half(b, block) * sc * q - half(b, block + 2) * m;
            }
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    private static final int[] IQ4NL = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

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
