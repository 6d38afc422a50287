package dev.logprobs4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleSample() {
        Stats s = Stats.of(new double[] {5, 1, 3});
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.median()).isEqualTo(3);
        assertThat(s.max()).isEqualTo(5);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleSamples() {
        assertThat(Stats.of(new double[] {4, 1, 2, 10}).median()).isEqualTo(3);
    }

    @Test
    void samplesAreNotReordered() {
        double[] samples = {3, 1, 2};
        Stats.of(samples);
        assertThat(samples).containsExactly(3, 1, 2);
    }
}
