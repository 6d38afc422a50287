package dev.logprobs4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QuantizerTest {

    private static float[] gaussian(int n, long seed, double scale) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (random.nextGaussian() * scale);
        }
        return x;
    }

    /**
     * Round trip stays within a per-type fraction of the largest magnitude in each block (or, for
     * the plain types, of the value itself). Bounds follow from each format's step size: Q8_0
     * amax/254, Q4_0 amax/8 (the sign opposite the largest value gets 7 of 8 steps), Q4_K about
     * range/30 plus a 6-bit min step, Q6_K amax/62 plus an 8-bit scale step.
     */
    @ParameterizedTest
    @CsvSource({"Q8_0, 0.0045", "Q4_0, 0.126", "Q4_K, 0.12", "Q6_K, 0.025", "Q4_1, 0.07", "Q5_0, 0.065", "Q5_1, 0.035",
        "IQ4_NL, 0.12", "IQ4_XS, 0.15", "Q2_K, 0.45", "Q3_K, 0.3", "Q5_K, 0.06"})
    void blockQuantisationRoundTripsWithinItsStepSize(GgmlType type, double fractionOfBlockAmax) {
        // Scales stay above the range where the half-precision block scale turns subnormal and loses bits.
        for (double scale : new double[] {0.02, 1, 300}) {
            int n = 3 * 256;
            float[] x = gaussian(n, 7, scale);
            byte[] bytes = Quantizer.quantize(type, x);
            assertThat(bytes).hasSize((int) type.byteSize(n));
            float[] y = Quantizer.dequantize(type, bytes, n);
            int block = type.blockSize();
            for (int b = 0; b < n / block; b++) {
                float amax = 0f;
                for (int i = 0; i < block; i++) {
                    amax = Math.max(amax, Math.abs(x[b * block + i]));
                }
                for (int i = 0; i < block; i++) {
                    int k = b * block + i;
                    assertThat((double) y[k]).as("%s scale %s element %d", type, scale, k)
                            .isCloseTo(x[k], org.assertj.core.data.Offset.offset(fractionOfBlockAmax * amax));
                }
            }
        }
    }

    @Test
    void q8_0EncodesIntegerMultiplesOfTheScaleExactly() {
        // amax 127 gives d = 1 exactly, so every integer in [-127, 127] is one quant step.
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = i * 8 - 127;
        }
        x[31] = 127;
        byte[] bytes = Quantizer.quantize(GgmlType.Q8_0, x);
        assertThat(bytes[0]).isEqualTo((byte) 0x00); // half 1.0 = 0x3C00, little-endian
        assertThat(bytes[1]).isEqualTo((byte) 0x3C);
        assertThat(bytes[2]).isEqualTo((byte) -127);
        assertThat(Quantizer.dequantize(GgmlType.Q8_0, bytes, 32)).containsExactly(x);
    }

    @Test
    void q4_0PutsTheFirstSixteenValuesInLowNibbles() {
        // Largest magnitude -8 gives d = 1, so x = nibble - 8 for integers in [-8, 7].
        float[] x = new float[32];
        for (int i = 0; i < 32; i++) {
            x[i] = (i % 16) - 8;
        }
        byte[] bytes = Quantizer.quantize(GgmlType.Q4_0, x);
        for (int i = 0; i < 16; i++) {
            assertThat(bytes[2 + i] & 0xFF).isEqualTo(i | i << 4);
        }
        assertThat(Quantizer.dequantize(GgmlType.Q4_0, bytes, 32)).containsExactly(x);
    }

    @Test
    void q4_KPacksSixBitScalesOfTheUpperSubBlocksIntoSpareBits() {
        // Sub-block s holds the constant (s + 1) * 8 - 9: min 0 except sub-block 0 (value -1),
        // scales grow with s, so the upper sub-blocks need 6-bit scales split across bytes.
        float[] x = new float[256];
        for (int s = 0; s < 8; s++) {
            for (int i = 0; i < 32; i++) {
                x[32 * s + i] = i % 2 == 0 ? 0f : 4f * (s + 1);
            }
        }
        byte[] bytes = Quantizer.quantize(GgmlType.Q4_K, x);
        float[] y = Quantizer.dequantize(GgmlType.Q4_K, bytes, 256);
        float d = Float.float16ToFloat((short) ((bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8));
        // Scale of sub-block 7 is the largest, 63 (0b111111): low nibble in byte 4+11, top bits in byte 4+3.
        assertThat(bytes[4 + 11] & 0xF).isEqualTo(0xF);
        assertThat((bytes[4 + 3] & 0xFF) >>> 6).isEqualTo(3);
        for (int k = 0; k < 256; k++) {
            assertThat((double) y[k]).as("element %d", k).isCloseTo(x[k], org.assertj.core.data.Offset.offset(d * 63 / 2.0));
        }
    }

    @Test
    void plainTypesRoundTripExactlyOrByTheirRounding() {
        float[] x = {0f, -0f, 1f, -2.5f, 65504f, 1e-7f, 3.14159265f, Float.POSITIVE_INFINITY};
        assertThat(Quantizer.dequantize(GgmlType.F32, Quantizer.quantize(GgmlType.F32, x), x.length)).containsExactly(x);
        float[] f16 = Quantizer.dequantize(GgmlType.F16, Quantizer.quantize(GgmlType.F16, x), x.length);
        for (int i = 0; i < x.length; i++) {
            assertThat(f16[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(x[i])));
        }
        float[] bf16 = Quantizer.dequantize(GgmlType.BF16, Quantizer.quantize(GgmlType.BF16, x), x.length);
        assertThat(bf16[2]).isEqualTo(1f);
        assertThat(bf16[3]).isEqualTo(-2.5f);
        assertThat(bf16[6]).isEqualTo(3.140625f); // 3.14159 rounds to the nearest of 3.140625 and 3.15625
        assertThat(bf16[7]).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void rejectsUnsupportedTypesPartialBlocksAndShortData() {
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.IQ2_XS, new float[256]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IQ2_XS");
        assertThatThrownBy(() -> Quantizer.quantize(GgmlType.Q8_0, new float[33]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33");
        assertThatThrownBy(() -> Quantizer.dequantize(GgmlType.Q6_K, new byte[209], 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("210");
    }
}
