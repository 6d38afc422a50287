package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogSoftmaxTest {
    @Test
    void logSumExpMatchesHandComputation() {
        // log(e^0 + e^ln3) = log 4
        assertThat(LogSoftmax.logSumExp(new float[] {0f, (float) Math.log(3)})).isCloseTo(Math.log(4), within(1e-7));
        // Large logits do not overflow.
        assertThat(LogSoftmax.logSumExp(new float[] {1000f, 1000f})).isCloseTo(1000 + Math.log(2), within(1e-9));
    }

    /** The scalar twin (all double) is the oracle of the vector path, over vocabulary-sized and odd lengths. */
    @Test
    void vectorLogSumExpAgreesWithItsScalarTwin() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {1, 7, 16, 33, 1000, 1023, 32000, 128256}) {
            float[] l = new float[n + 5];
            for (int i = 0; i < l.length; i++) {
                l[i] = (float) (r.nextGaussian() * 4 + (i % 97 == 0 ? 25 : 0));
            }
            double scalar = LogSoftmax.logSumExpScalar(l, 5, n);
            assertThat(LogSoftmax.logSumExpVector(l, 5, n)).as("n = %d", n).isCloseTo(scalar, within(2e-6));
        }
        float[] masked = {Float.NEGATIVE_INFINITY, 2f, Float.NEGATIVE_INFINITY, 2f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(LogSoftmax.logSumExpVector(masked, 0, masked.length))
                .isCloseTo(LogSoftmax.logSumExpScalar(masked, 0, masked.length), within(1e-6));
    }

    @Test
    void stepFindsTheTopTokensSortedWithLowerIdFirstOnTies() {
        float[] l = {1f, 3f, 2f, 3f, -1f};
        LogprobStep step = new LogprobStep(3).compute(l, 0, l.length, 4);
        double lse = LogSoftmax.logSumExpScalar(l, 0, l.length);
        assertThat(step.token()).isEqualTo(4);
        assertThat(step.logprob()).isCloseTo(-1 - lse, within(1e-6));
        assertThat(step.topCount()).isEqualTo(3);
        assertThat(new int[] {step.topId(0), step.topId(1), step.topId(2)}).containsExactly(1, 3, 2);
        assertThat(step.topLogprob(0)).isCloseTo(3 - lse, within(1e-6));
        assertThat(new LogprobStep(10).compute(l, 0, l.length, 0).topCount()).isEqualTo(5);
        assertThat(new LogprobStep(0).compute(l, 0, l.length, 0).topCount()).isZero();
        LogprobStep all = new LogprobStep(5).compute(l, 0, l.length, 0);
        double total = 0;
        for (int i = 0; i < all.topCount(); i++) {
            total += Math.exp(all.topLogprob(i));
        }
        assertThat(total).isCloseTo(1.0, within(1e-6));
        assertThat(all.toGenerationStep().topLogprobs()).extracting(IdLogprob::tokenId).containsExactly(1, 3, 2, 0, 4);
    }

    @Test
    void stepReadsItsDistributionAtTheOffsetAndIsReused() {
        float[] rows = {0f, 0f, 5f, 0f, /* row 1 */ 9f, 0f, 0f, 0f};
        LogprobStep step = new LogprobStep(1);
        assertThat(step.compute(rows, 0, 4, 2).topId(0)).isEqualTo(2);
        assertThat(step.compute(rows, 4, 4, 2).topId(0)).isEqualTo(0);
        assertThat(step.logprob()).isLessThan(-8);
        assertThat(step.logprob()).isLessThanOrEqualTo(0);
        assertThatThrownBy(() -> step.compute(rows, 0, 4, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void logprobsAreClampedToZero() {
        // A single huge logit: its logprob computes to a hair around 0 and must not exceed it.
        float[] l = new float[1000];
        l[3] = 100f;
        LogprobStep step = new LogprobStep(1).compute(l, 0, l.length, 3);
        assertThat(step.logprob()).isLessThanOrEqualTo(0).isGreaterThan(-1e-6);
        assertThat(step.topLogprob(0)).isLessThanOrEqualTo(0);
    }

    /** The polynomial exp is within a few float ulps of the double one over the range logits use. */
    @Test
    void vectorExpIsWithinAFewUlps() {
        var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        float[] x = new float[species.length()];
        float[] y = new float[species.length()];
        double worst = 0;
        for (float v = -87f; v <= 0f; v += 0.0137f) {
            java.util.Arrays.fill(x, v);
            LogSoftmax.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, 0)).intoArray(y, 0);
            double exact = Math.exp(v);
            worst = Math.max(worst, Math.abs(y[0] - exact) / Math.ulp((float) exact));
        }
        assertThat(worst).isLessThanOrEqualTo(3);
        java.util.Arrays.fill(x, Float.NEGATIVE_INFINITY);
        LogSoftmax.exp(jdk.incubator.vector.FloatVector.fromArray(species, x, 0)).intoArray(y, 0);
        assertThat(y[0]).isBetween(0f, 1e-37f);
    }
}
