package dev.logprobs4j.gguf;

/**
 * Block encoders and element decoders of Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q5_K, IQ4_NL and IQ4_XS,
 * the types llama.cpp's Q4_K_M, Q5_K_M, Q3_K_M, Q2_K and IQ4_XS files hold besides Q4_K, Q6_K and
 * Q8_0. Stateless.
 *
 * <p>The encoders follow the semantics of ggml's reference quantisers ({@code quantize_row_*_ref}
 * without an importance matrix): plain min/max or absmax rounding for the 32-value types, the
 * weighted scale-and-min search for Q2_K and Q5_K, the iterative rms search for Q3_K's signed
 * scales, and the scale search over the non-linear IQ4 grid. Written from the formats' math, not
 * copied; results need not be bit-identical to llama.cpp's, only as good.
 */
final class MoreQuants {

    /** The 16 values of the IQ4_NL / IQ4_XS grid (ggml's {@code kvalues_iq4nl}). */
    static final byte[] IQ4_VALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private static final float GROUP_MAX_EPS = 1e-15f;

    private MoreQuants() {}

    // ---- decoders: element k (0 <= k < block size) of the block at byte `at` ----

    static float element(GgmlType type, byte[] b, int at, int k) {
        return switch (type) {
            case Q4_1 -> {
                int packed = b[at + 4 + k % 16] & 0xFF;
                int q = k < 16 ? packed & 0xF : packed >>> 4;
                yield f16(b, at) * q + f16(b, at + 2);
            }
            case Q5_0 -> f16(b, at) * (q5(b, at + 2, at + 6, k) - 16);
            case Q5_1 -> f16(b, at) * q5(b, at + 4, at + 8, k) + f16(b, at + 2);
            case IQ4_NL -> {
                int packed = b[at + 2 + k % 16] & 0xFF;
                yield f16(b, at) * IQ4_VALUES[k < 16 ? packed & 0xF : packed >>> 4];
            }
            case IQ4_XS -> {
                int ib = k / 32;
                int low = ((b[at + 4 + ib / 2] & 0xFF) >>> (4 * (ib % 2))) & 0xF;
                int high = (u16(b, at + 2) >>> (2 * ib)) & 3;
                int packed = b[at + 8 + 16 * ib + k % 16] & 0xFF;
                int l = k % 32 < 16 ? packed & 0xF : packed >>> 4;
                yield f16(b, at) * ((low | high << 4) - 32) * IQ4_VALUES[l];
            }
            case Q2_K -> {
                int sc = b[at + k / 16] & 0xFF;
                int q = ((b[at + 16 + 32 * (k / 128) + k % 32] & 0xFF) >>> (2 * (k % 128 / 32))) & 3;
                yield f16(b, at + 80) * (sc & 0xF) * q - f16(b, at + 82) * (sc >>> 4);
            }
            case Q3_K -> {
                int low = ((b[at + 32 + 32 * (k / 128) + k % 32] & 0xFF) >>> (2 * (k % 128 / 32))) & 3;
                boolean high = (b[at + k % 32] & (1 << (k / 32))) != 0;
                yield f16(b, at + 108) * (q3Scale(b, at + 96, k / 16) - 32) * (low - (high ? 0 : 4));
            }
            case Q5_K -> {
                int sub = k / 32;
                int packed = b[at + 48 + 32 * (sub / 2) + k % 32] & 0xFF;
                int q = (sub % 2 == 0 ? packed & 0xF : packed >>> 4) | ((b[at + 16 + k % 32] >>> sub) & 1) << 4;
                int sc = kScale(b, at + 4, sub);
                int m = kMin(b, at + 4, sub);
                yield f16(b, at) * sc * q - f16(b, at + 2) * m;
            }
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    /** The 5-bit quant k of a Q5_0/Q5_1 block: nibbles as Q4_0, fifth bits in the 32-bit word qh. */
    private static int q5(byte[] b, int qh, int qs, int k) {
        int packed = b[qs + k % 16] & 0xFF;
        int low = k < 16 ? packed & 0xF : packed >>> 4;
        return low | ((b[qh + k / 8] >>> (k % 8)) & 1) << 4;
    }

    /** The 6-bit unsigned scale s (0..15) of a Q3_K block, as stored (the value is this minus 32). */
    static int q3Scale(byte[] b, int scales, int s) {
        int low = s < 8 ? b[scales + s] & 0xF : (b[scales + s - 8] & 0xFF) >>> 4;
        int high = ((b[scales + 8 + s % 4] & 0xFF) >>> (2 * (s / 4))) & 3;
        return low | high << 4;
    }

    /** The 6-bit scale of sub-block j of the Q4_K/Q5_K scale bytes at {@code s}. */
    static int kScale(byte[] b, int s, int j) {
        return j < 4 ? b[s + j] & 63 : (b[s + j + 4] & 0xF) | ((b[s + j - 4] & 0xFF) >>> 6) << 4;
    }

    /** The 6-bit min of sub-block j of the Q4_K/Q5_K scale bytes at {@code s}. */
    static int kMin(byte[] b, int s, int j) {
        return j < 4 ? b[s + j + 4] & 63 : ((b[s + j + 4] & 0xFF) >>> 4) | ((b[s + j] & 0xFF) >>> 6) << 4;
    }

    // ---- encoders: one block of x[from ..] into out[at ..] ----

    static void quantize(GgmlType type, float[] x, int from, byte[] out, int at) {
        switch (type) {
            case Q4_1 -> q4_1(x, from, out, at);
            case Q5_0 -> q5_0(x, from, out, at);
            case Q5_1 -> q5_1(x, from, out, at);
            case IQ4_NL -> iq4(x, from, out, at, 32);
            case IQ4_XS -> iq4(x, from, out, at, 256);
            case Q2_K -> q2_K(x, from, out, at);
            case Q3_K -> q3_K(x, from, out, at);
            case Q5_K -> q5_K(x, from, out, at);
            default -> throw new IllegalArgumentException(type.toString());
        }
    }

    private static void q4_1(float[] x, int from, byte[] out, int at) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int i = 0; i < 32; i++) {
            min = Math.min(min, x[from + i]);
            max = Math.max(max, x[from + i]);
        }
        float d = (max - min) / 15f;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        putHalf(out, at + 2, min);
        for (int i = 0; i < 16; i++) {
            int low = Math.min(15, (int) ((x[from + i] - min) * id + 0.5f));
            int high = Math.min(15, (int) ((x[from + i + 16] - min) * id + 0.5f));
            out[at + 4 + i] = (byte) (low | high << 4);
        }
    }

    private static void q5_0(float[] x, int from, byte[] out, int at) {
        // As Q4_0: the value of largest magnitude maps to quant 0 (-16 * d).
        float max = 0f;
        for (int i = 0; i < 32; i++) {
            if (Math.abs(x[from + i]) > Math.abs(max)) {
                max = x[from + i];
            }
        }
        float d = max / -16f;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        int qh = 0;
        for (int i = 0; i < 16; i++) {
            int low = Math.clamp((int) (x[from + i] * id + 16.5f), 0, 31);
            int high = Math.clamp((int) (x[from + i + 16] * id + 16.5f), 0, 31);
            out[at + 6 + i] = (byte) ((low & 0xF) | (high & 0xF) << 4);
            qh |= (low >>> 4) << i | (high >>> 4) << (i + 16);
        }
        putInt(out, at + 2, qh);
    }

    private static void q5_1(float[] x, int from, byte[] out, int at) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int i = 0; i < 32; i++) {
            min = Math.min(min, x[from + i]);
            max = Math.max(max, x[from + i]);
        }
        float d = (max - min) / 31f;
        float id = d != 0f ? 1f / d : 0f;
        putHalf(out, at, d);
        putHalf(out, at + 2, min);
        int qh = 0;
        for (int i = 0; i < 16; i++) {
            int low = Math.min(31, (int) ((x[from + i] - min) * id + 0.5f));
            int high = Math.min(31, (int) ((x[from + i + 16] - min) * id + 0.5f));
            out[at + 8 + i] = (byte) ((low & 0xF) | (high & 0xF) << 4);
            qh |= (low >>> 4) << i | (high >>> 4) << (i + 16);
        }
        putInt(out, at + 4, qh);
    }

    /**
     * IQ4_NL (superBlock 32) and IQ4_XS (superBlock 256, 6-bit sub-block scales): per 32 values,
     * the grid scale that maximises the weighted correlation among 15 candidates around
     * {@code -max / 127}, with weights x^2 as ggml uses without an importance matrix.
     */
    private static void iq4(float[] x, int from, byte[] out, int at, int superBlock) {
        int subBlocks = superBlock / 32;
        float[] scales = new float[subBlocks];
        int[] l = new int[superBlock];
        float maxScale = 0f;
        float amaxScale = 0f;
        for (int ib = 0; ib < subBlocks; ib++) {
            int base = from + 32 * ib;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < 32; j++) {
                float ax = Math.abs(x[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[base + j];
                }
            }
            if (amax < GROUP_MAX_EPS) {
                continue;
            }
            float d = -max / IQ4_VALUES[0];
            float id = 1f / d;
            float sumqx = 0f;
            float sumq2 = 0f;
            for (int j = 0; j < 32; j++) {
                float xv = x[base + j];
                int q = IQ4_VALUES[bestIndex(id * xv)];
                float w = xv * xv;
                sumqx += w * q * xv;
                sumq2 += w * q * q;
            }
            d = sumqx / sumq2;
            float best = d * sumqx;
            for (int itry = -7; itry <= 7; itry++) {
                id = (itry + IQ4_VALUES[0]) / max;
                sumqx = 0f;
                sumq2 = 0f;
                for (int j = 0; j < 32; j++) {
                    float xv = x[base + j];
                    int q = IQ4_VALUES[bestIndex(id * xv)];
                    float w = xv * xv;
                    sumqx += w * q * xv;
                    sumq2 += w * q * q;
                }
                if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
                    d = sumqx / sumq2;
                    best = d * sumqx;
                }
            }
            scales[ib] = d;
            if (Math.abs(d) > amaxScale) {
                amaxScale = Math.abs(d);
                maxScale = d;
            }
        }
        int qs;
        if (subBlocks > 1) {
            // The sub-block scales become 6-bit signed multiples of d = -maxScale / 32.
            float d = -maxScale / 32f;
            putHalf(out, at, d);
            float id = d != 0f ? 1f / d : 0f;
            int scalesH = 0;
            for (int ib = 0; ib < subBlocks; ib++) {
                int ls = Math.clamp((int) Math.rint(id * scales[ib]), -32, 31);
                float dl = d * ls;
                float idl = dl != 0f ? 1f / dl : 0f;
                for (int j = 0; j < 32; j++) {
                    l[32 * ib + j] = bestIndex(idl * x[from + 32 * ib + j]);
                }
                ls += 32;
                out[at + 4 + ib / 2] |= (byte) ((ls & 0xF) << (4 * (ib % 2)));
                scalesH |= (ls >>> 4) << (2 * ib);
            }
            out[at + 2] = (byte) scalesH;
            out[at + 3] = (byte) (scalesH >>> 8);
            qs = at + 8;
        } else {
            putHalf(out, at, scales[0]);
            float id = scales[0] != 0f ? 1f / scales[0] : 0f;
            for (int j = 0; j < 32; j++) {
                l[j] = bestIndex(id * x[from + j]);
            }
            qs = at + 2;
        }
        for (int ib = 0; ib < subBlocks; ib++) {
            for (int j = 0; j < 16; j++) {
                out[qs + 16 * ib + j] = (byte) (l[32 * ib + j] | l[32 * ib + 16 + j] << 4);
            }
        }
    }

    /** Index of the grid value nearest {@code v} (ties to the upper one, as ggml's binary search). */
    static int bestIndex(float v) {
        if (v <= IQ4_VALUES[0]) {
            return 0;
        }
        if (v >= IQ4_VALUES[15]) {
            return 15;
        }
        int lo = 0;
        int hi = 15;
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            if (v < IQ4_VALUES[mid]) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return v - IQ4_VALUES[hi - 1] < IQ4_VALUES[hi] - v ? hi - 1 : hi;
    }

    private static void q2_K(float[] x, int from, byte[] out, int at) {
        float[] scales = new float[16];
        float[] mins = new float[16];
        int[] l = new int[256];
        float[] weights = new float[16];
        float maxScale = 0f;
        float maxMin = 0f;
        for (int j = 0; j < 16; j++) {
            for (int i = 0; i < 16; i++) {
                weights[i] = Math.abs(x[from + 16 * j + i]);
            }
            float[] min = new float[1];
            scales[j] = scaleAndMin(16, 3, x, from + 16 * j, weights, l, 16 * j, min, -0.5f, 0.1f, 15, true);
            mins[j] = min[0];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        // Scales and mins are 4-bit multiples of the largest of each / 15.
        int[] sc = new int[16];
        if (maxScale > 0) {
            float iscale = 15f / maxScale;
            for (int j = 0; j < 16; j++) {
                sc[j] = (int) Math.rint(iscale * scales[j]);
            }
            putHalf(out, at + 80, maxScale / 15f);
        }
        if (maxMin > 0) {
            float iscale = 15f / maxMin;
            for (int j = 0; j < 16; j++) {
                sc[j] |= (int) Math.rint(iscale * mins[j]) << 4;
            }
            putHalf(out, at + 82, maxMin / 15f);
        }
        float d0 = f16(out, at + 80);
        float dmin = f16(out, at + 82);
        for (int j = 0; j < 16; j++) {
            out[at + j] = (byte) sc[j];
            float d = d0 * (sc[j] & 0xF);
            if (d == 0f) {
                continue;
            }
            float dm = dmin * (sc[j] >>> 4);
            for (int i = 0; i < 16; i++) {
                l[16 * j + i] = Math.clamp((int) Math.rint((x[from + 16 * j + i] + dm) / d), 0, 3);
            }
        }
        for (int j = 0; j < 256; j += 128) {
            for (int i = 0; i < 32; i++) {
                out[at + 16 + j / 4 + i] = (byte) (l[j + i] | l[j + i + 32] << 2 | l[j + i + 64] << 4 | l[j + i + 96] << 6);
            }
        }
    }

    private static void q3_K(float[] x, int from, byte[] out, int at) {
        float[] scales = new float[16];
        int[] l = new int[256];
        float maxScale = 0f;
        float amax = 0f;
        for (int j = 0; j < 16; j++) {
            scales[j] = signedScale(x, from + 16 * j, l, 16 * j);
            if (Math.abs(scales[j]) > amax) {
                amax = Math.abs(scales[j]);
                maxScale = scales[j];
            }
        }
        if (maxScale != 0f) {
            float iscale = -32f / maxScale;
            for (int j = 0; j < 16; j++) {
                int ls = Math.clamp((int) Math.rint(iscale * scales[j]), -32, 31) + 32;
                if (j < 8) {
                    out[at + 96 + j] = (byte) (ls & 0xF);
                } else {
                    out[at + 96 + j - 8] |= (byte) ((ls & 0xF) << 4);
                }
                out[at + 96 + 8 + j % 4] |= (byte) ((ls >>> 4) << (2 * (j / 4)));
            }
            putHalf(out, at + 108, 1f / iscale);
        }
        float dAll = f16(out, at + 108);
        for (int j = 0; j < 16; j++) {
            float d = dAll * (q3Scale(out, at + 96, j) - 32);
            if (d == 0f) {
                continue;
            }
            for (int i = 0; i < 16; i++) {
                l[16 * j + i] = Math.clamp((int) Math.rint(x[from + 16 * j + i] / d), -4, 3) + 4;
            }
        }
        // Bit 2 of quant k goes to hmask[k % 32] bit k / 32; the low two bits are packed as Q2_K's.
        for (int k = 0; k < 256; k++) {
            if (l[k] > 3) {
                out[at + k % 32] |= (byte) (1 << (k / 32));
                l[k] -= 4;
            }
        }
        for (int j = 0; j < 256; j += 128) {
            for (int i = 0; i < 32; i++) {
                out[at + 32 + j / 4 + i] = (byte) (l[j + i] | l[j + i + 32] << 2 | l[j + i + 64] << 4 | l[j + i + 96] << 6);
            }
        }
    }

    /**
     * Quants in [-4, 3] (stored +4 in {@code l}) and the scale of 16 values, refined by moving one
     * quant at a time while the weighted (x^2) correlation improves, as ggml's make_q3_quants.
     */
    private static float signedScale(float[] x, int from, int[] l, int lAt) {
        float max = 0f;
        float amax = 0f;
        for (int i = 0; i < 16; i++) {
            float ax = Math.abs(x[from + i]);
            if (ax > amax) {
                amax = ax;
                max = x[from + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            java.util.Arrays.fill(l, lAt, lAt + 16, 4);
            return 0f;
        }
        float iscale = -4f / max;
        float sumlx = 0f;
        float suml2 = 0f;
        for (int i = 0; i < 16; i++) {
            float xv = x[from + i];
            int q = Math.clamp((int) Math.rint(iscale * xv), -4, 3);
            l[lAt + i] = q;
            float w = xv * xv;
            sumlx += w * xv * q;
            suml2 += w * q * q;
        }
        for (int pass = 0; pass < 5; pass++) {
            int changed = 0;
            for (int i = 0; i < 16; i++) {
                float xv = x[from + i];
                float w = xv * xv;
                int q = l[lAt + i];
                float slx = sumlx - w * xv * q;
                if (slx > 0) {
                    float sl2 = suml2 - w * q * q;
                    int nq = Math.clamp((int) Math.rint(xv * sl2 / slx), -4, 3);
                    if (nq != q) {
                        slx += w * xv * nq;
                        sl2 += w * nq * nq;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            l[lAt + i] = nq;
                            sumlx = slx;
                            suml2 = sl2;
                            changed++;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < 16; i++) {
            l[lAt + i] += 4;
        }
        return sumlx / suml2;
    }

    private static void q5_K(float[] x, int from, byte[] out, int at) {
        float sumx2 = 0f;
        for (int i = 0; i < 256; i++) {
            sumx2 += x[from + i] * x[from + i];
        }
        float avx = (float) Math.sqrt(sumx2 / 256);
        float[] scales = new float[8];
        float[] mins = new float[8];
        int[] l = new int[256];
        float[] weights = new float[32];
        float maxScale = 0f;
        float maxMin = 0f;
        for (int j = 0; j < 8; j++) {
            for (int i = 0; i < 32; i++) {
                weights[i] = avx + Math.abs(x[from + 32 * j + i]);
            }
            float[] min = new float[1];
            scales[j] = scaleAndMin(32, 31, x, from + 32 * j, weights, l, 32 * j, min, -0.5f, 0.1f, 15, false);
            mins[j] = min[0];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        float invScale = maxScale > 0 ? 63f / maxScale : 0f;
        float invMin = maxMin > 0 ? 63f / maxMin : 0f;
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = Math.min(63, (int) Math.rint(invScale * scales[j]));
            m[j] = Math.min(63, (int) Math.rint(invMin * mins[j]));
        }
        for (int j = 0; j < 4; j++) {
            out[at + 4 + j] = (byte) (sc[j] | (sc[j + 4] >>> 4) << 6);
            out[at + 4 + j + 4] = (byte) (m[j] | (m[j + 4] >>> 4) << 6);
            out[at + 4 + j + 8] = (byte) ((sc[j + 4] & 0xF) | (m[j + 4] & 0xF) << 4);
        }
        putHalf(out, at, maxScale / 63f);
        putHalf(out, at + 2, maxMin / 63f);
        float d0 = f16(out, at);
        float dmin = f16(out, at + 2);
        for (int j = 0; j < 8; j++) {
            float d = d0 * sc[j];
            if (d == 0f) {
                continue;
            }
            float dm = dmin * m[j];
            for (int i = 0; i < 32; i++) {
                l[32 * j + i] = Math.clamp((int) Math.rint((x[from + 32 * j + i] + dm) / d), 0, 31);
            }
        }
        for (int n = 0; n < 256; n += 64) {
            int bit = n / 32;
            for (int i = 0; i < 32; i++) {
                int l1 = l[n + i];
                int l2 = l[n + i + 32];
                out[at + 16 + i] |= (byte) ((l1 >>> 4) << bit | (l2 >>> 4) << (bit + 1));
                out[at + 48 + n / 2 + i] = (byte) ((l1 & 0xF) | (l2 & 0xF) << 4);
            }
        }
    }

    /**
     * Quants in [0, nmax] with a scale and a min (returned negated in {@code theMin[0]}) for
     * {@code n} values: the plain min/max fit, then {@code nstep + 1} trial inverse scales whose
     * weighted least-squares scale and min replace it when they lower the weighted error (squared,
     * or absolute if {@code absolute}); ggml's make_qkx2_quants.
     */
    private static float scaleAndMin(int n, int nmax, float[] x, int from, float[] weights, int[] l, int lAt,
            float[] theMin, float rmin, float rdelta, int nstep, boolean absolute) {
        float min = x[from];
        float max = x[from];
        float sumW = 0f;
        float sumX = 0f;
        for (int i = 0; i < n; i++) {
            float xv = x[from + i];
            min = Math.min(min, xv);
            max = Math.max(max, xv);
            sumW += weights[i];
            sumX += weights[i] * xv;
        }
        min = Math.min(min, 0f);
        if (max == min) {
            java.util.Arrays.fill(l, lAt, lAt + n, 0);
            theMin[0] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1f / iscale;
        float bestError = 0f;
        for (int i = 0; i < n; i++) {
            int q = Math.clamp((int) Math.rint(iscale * (x[from + i] - min)), 0, nmax);
            l[lAt + i] = q;
            float diff = scale * q + min - x[from + i];
            bestError += weights[i] * (absolute ? Math.abs(diff) : diff * diff);
        }
        int[] aux = new int[n];
        for (int step = 0; step <= nstep; step++) {
            iscale = (rmin + rdelta * step + nmax) / (max - min);
            float sumL = 0f;
            float sumL2 = 0f;
            float sumXL = 0f;
            for (int i = 0; i < n; i++) {
                int q = Math.clamp((int) Math.rint(iscale * (x[from + i] - min)), 0, nmax);
                aux[i] = q;
                float w = weights[i];
                sumL += w * q;
                sumL2 += w * q * q;
                sumXL += w * q * x[from + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0f;
                    thisScale = sumXL / sumL2;
                }
                float error = 0f;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[from + i];
                    error += weights[i] * (absolute ? Math.abs(diff) : diff * diff);
                }
                if (error < bestError) {
                    System.arraycopy(aux, 0, l, lAt, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }

    // ---- helpers ----

    private static float f16(byte[] b, int at) {
        return Float.float16ToFloat((short) u16(b, at));
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static void putHalf(byte[] out, int at, float value) {
        short bits = Float.floatToFloat16(value);
        out[at] = (byte) bits;
        out[at + 1] = (byte) (bits >>> 8);
    }

    private static void putInt(byte[] out, int at, int value) {
        for (int k = 0; k < 4; k++) {
            out[at + k] = (byte) (value >>> (8 * k));
        }
    }
}
