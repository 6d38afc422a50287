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

    /** Every --types type decodes (with the library's own decoder) to centred weights of std near 0.02. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL",
        "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "IQ4_XS"})
    void singleTypeBlocksDecodeToCentredWeightsWithStandardDeviationNearTwoHundredths(GgmlType type) {
        assertThat(SyntheticModel.SINGLE_TYPES).containsKey(type);
        int n = 256 * 512;
        byte[] raw = SyntheticModel.blocks(type, "t", n);
        assertThat(raw).hasSize(n / type.blockSize() * type.blockBytes());
        float[] w = Quantizer.dequantize(type, raw, n);
        assertThat(std(w)).as("std").isBetween(0.015, 0.025);
        // Q4_0's unchanged version-1 bytes are d * (q - 8) with q uniform in 0..15: mean -0.5 d = -0.0022.
        assertThat(Math.abs(mean(w))).as("mean").isLessThan(0.003);
    }

    @Test
    void typesOptionTakesNamesInAnyCaseOrAllAndNamesWhatIsWrong() {
        assertThat(SyntheticModel.parseTypes("q4_1,Q5_0,Q4_1")).containsExactly(GgmlType.Q4_1, GgmlType.Q5_0);
        assertThat(SyntheticModel.parseTypes("all")).hasSize(12).contains(GgmlType.IQ4_XS, GgmlType.Q8_0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SyntheticModel.parseTypes("Q4_1,F16"))
                .hasMessageContaining("--types: 'F16' is not one of");
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

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
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
