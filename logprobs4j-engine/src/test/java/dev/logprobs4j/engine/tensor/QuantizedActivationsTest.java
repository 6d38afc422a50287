package dev.logprobs4j.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedActivationsTest {

    @Test
    void q8_0BlockOfHandPickedValues() {
        // amax = 2.54: d = 0.02 (as a half: 0.0200042724609375), q = rint(x * 127 / 2.54) = rint(50 x).
        float[] x = new float[32];
        x[0] = 2.54f;
        x[1] = -1.27f;
        x[2] = 0.01f; // 0.5 rounds to even: 0
        x[3] = 0.03f; // 1.5 rounds to even: 2
        x[4] = -0.5f;
        QuantizedActivations a = new QuantizedActivations();
        a.quantize(QuantizedActivations.Kind.Q8_0, x, 0, 1, 32);
        assertThat(a.d[0]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(0.02f)));
        assertThat(a.q[0]).isEqualTo((short) 127);
        assertThat(a.q[1]).isEqualTo((short) -64); // -63.5 -> -64 (even)
        assertThat(a.q[2]).isEqualTo((short) 0);
        assertThat(a.q[3]).isEqualTo((short) 2);
        assertThat(a.q[4]).isEqualTo((short) -25);
        assertThat(a.q[5]).isEqualTo((short) 0);
    }

    @Test
    void q8_KScaleComesFromTheValueOfLargestMagnitudeWithItsSign() {
        // max = -3.81 (largest magnitude): iscale = -127 / -3.81 = 33.33..., d = 1 / iscale.
        float[] x = new float[256];
        x[0] = 1f;
        x[40] = -3.81f;
        x[255] = 0.015f;
        QuantizedActivations a = new QuantizedActivations();
        a.quantize(QuantizedActivations.Kind.Q8_K, x, 0, 1, 256);
        float iscale = -127f / -3.81f;
        assertThat(a.d[0]).isEqualTo(1f / iscale);
        assertThat(a.q[40]).isEqualTo((short) -127);
        assertThat(a.q[0]).isEqualTo((short) Math.rint(iscale * 1f)); // 33
        assertThat(a.q[255]).isEqualTo((short) 0); // 0.4999... rounds down
        assertThat(a.sums[0]).isEqualTo(33);
        assertThat(a.sums[1]).isEqualTo(-127);
        for (int j = 2; j < 8; j++) {
            assertThat(a.sums[j]).isZero();
        }
    }

    @Test
    void quantsStayWithin127AndReconstructWithinHalfAStep() {
        Random random = new Random(1);
        int cols = 512;
        int batch = 3;
        float[] x = new float[batch * cols + 7];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * Math.exp(random.nextGaussian()));
        }
        for (QuantizedActivations.Kind kind : QuantizedActivations.Kind.values()) {
            QuantizedActivations a = new QuantizedActivations();
            a.quantize(kind, x, 7, batch, cols);
            int blocks = cols / kind.block;
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < cols; j++) {
                    int i = b * cols + j;
                    float d = a.d[b * blocks + j / kind.block];
                    assertThat((int) a.q[i]).isBetween(-127, 127);
                    // Q8_0 scales are rounded to half precision, so allow 2^-11 of the block's range on top.
                    double slack = kind == QuantizedActivations.Kind.Q8_0 ? Math.abs(d) * 127 * 0x1p-10 : 1e-6 * Math.abs(d);
                    assertThat((double) d * a.q[i]).as("%s row %d col %d", kind, b, j)
                            .isCloseTo(x[7 + i], org.assertj.core.data.Offset.offset(Math.abs(d) / 2 + slack));
                }
                if (kind == QuantizedActivations.Kind.Q8_K) {
                    for (int s = 0; s < cols / 32; s++) {
                        int sum = 0;
                        for (int k = 0; k < 32; k++) {
                            sum += a.q[b * cols + 32 * s + k];
                        }
                        assertThat(a.sums[(b * cols) / 32 + s]).isEqualTo(sum);
                    }
                }
            }
        }
    }

    @Test
    void allZeroBlocksGiveZeroScalesAndQuants() {
        for (QuantizedActivations.Kind kind : QuantizedActivations.Kind.values()) {
            QuantizedActivations a = new QuantizedActivations();
            a.quantize(kind, new float[256], 0, 1, 256);
            assertThat(a.d[0]).isZero();
            for (int i = 0; i < 256; i++) {
                assertThat(a.q[i]).isZero();
            }
        }
    }
}
