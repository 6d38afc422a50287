package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    static final float[] LOGITS = {1f, 3f, 2f, 3f, -1f, 0.5f};

    @Test
    void zeroTemperatureTakesTheFirstLargestLogit() {
        Sampler s = new Sampler(SamplingParams.greedy().withSeed(99));
        for (int i = 0; i < 10; i++) {
            assertThat(s.sample(LOGITS, LOGITS.length)).isEqualTo(1);
        }
    }

    @Test
    void sameSeedGivesSameTokens() {
        Sampler a = new Sampler(SamplingParams.ofTemperature(1f, 1234));
        Sampler b = new Sampler(SamplingParams.ofTemperature(1f, 1234));
        int[] x = new int[200];
        int[] y = new int[200];
        for (int i = 0; i < 200; i++) {
            x[i] = a.sample(LOGITS, LOGITS.length);
            y[i] = b.sample(LOGITS, LOGITS.length);
        }
        assertThat(x).containsExactly(y);
        assertThat(java.util.Arrays.stream(x).distinct().count()).isGreaterThan(3);
    }

    @Test
    void frequenciesFollowSoftmaxAtTemperature() {
        float t = 0.7f;
        Sampler s = new Sampler(SamplingParams.ofTemperature(t, 7));
        int n = 200_000;
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < n; i++) {
            counts[s.sample(LOGITS, LOGITS.length)]++;
        }
        double z = 0;
        for (float l : LOGITS) {
            z += Math.exp(l / t);
        }
        for (int i = 0; i < LOGITS.length; i++) {
            double p = Math.exp(LOGITS[i] / t) / z;
            assertThat((double) counts[i] / n).as("token %d", i).isCloseTo(p, org.assertj.core.data.Offset.offset(0.005));
        }
    }

    @Test
    void truncationKeepsOnlyTheAllowedTokens() {
        // top-k 2 keeps the two 3.0 logits (ids 1 and 3).
        assertThat(samples(SamplingParams.ofTemperature(1f, 1).withTopK(2))).containsOnly(1, 3);
        // top-p 0.5: p(1) = p(3) ~ 0.39 each, so ids 1 and 3 are needed to reach 0.5.
        assertThat(samples(SamplingParams.ofTemperature(1f, 1).withTopP(0.5f))).containsOnly(1, 3);
        // min-p 0.3: p(2)/p(1) = e^-1 = 0.37 stays, p(0)/p(1) = e^-2 = 0.14 goes.
        assertThat(samples(SamplingParams.ofTemperature(1f, 1).withMinP(0.3f))).containsOnly(1, 2, 3);
    }

    private static List<Integer> samples(SamplingParams p) {
        Sampler s = new Sampler(p);
        return java.util.stream.IntStream.range(0, 2000).map(i -> s.sample(LOGITS, LOGITS.length)).boxed().distinct().toList();
    }

    @Test
    void paramsValidateTheirRanges() {
        assertThatThrownBy(() -> new SamplingParams(-1f, 0, 1f, 0f, 0)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1f, -1, 1f, 0f, 0)).hasMessageContaining("topK");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 0f, 0f, 0)).hasMessageContaining("topP must be within (0, 1]");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1f, 2f, 0)).hasMessageContaining("minP");
    }
}
