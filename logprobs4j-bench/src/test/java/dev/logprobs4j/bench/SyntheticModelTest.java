package dev.logprobs4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.Quantizer;
import org.junit.jupiter.api.Test;

class SyntheticModelTest {

    @Test
    void q8BlocksDecodeToWeightsWithStandardDeviationNearTwoHundredths() {
        byte[] raw = SyntheticModel.blocks(GgmlType.Q8_0, "t", 32 * 4096);
        assertThat(raw).hasSize(4096 * 34);
        assertThat(std(Quantizer.dequantize(GgmlType.Q8_0, raw, 32 * 4096))).isBetween(0.015, 0.025);
    }

    @Test
    void q4BlocksDecodeToWeightsWithStandardDeviationNearTwoHundredths() {
        byte[] raw = SyntheticModel.blocks(GgmlType.Q4_0, "t", 32 * 4096);
        assertThat(raw).hasSize(4096 * 18);
        assertThat(std(Quantizer.dequantize(GgmlType.Q4_0, raw, 32 * 4096))).isBetween(0.015, 0.025);
    }

    @Test
    void blocksAreSeededByTensorName() {
        assertThat(SyntheticModel.blocks(GgmlType.Q8_0, "a", 64)).isEqualTo(SyntheticModel.blocks(GgmlType.Q8_0, "a", 64))
                .isNotEqualTo(SyntheticModel.blocks(GgmlType.Q8_0, "b", 64));
    }

    @Test
    void promptIdsStayInTheirRangeAndRepeatForASeed() {
        int[] ids = SyntheticModel.promptIds(512, 256, 128000, 9);
        assertThat(java.util.Arrays.stream(ids).allMatch(i -> i >= 256 && i < 128000)).isTrue();
        assertThat(SyntheticModel.promptIds(512, 256, 128000, 9)).isEqualTo(ids);
    }

    private static double std(float[] v) {
        double s = 0;
        double s2 = 0;
        for (float x : v) {
            s += x;
            s2 += (double) x * x;
        }
        double mean = s / v.length;
        return Math.sqrt(s2 / v.length - mean * mean);
    }
}
