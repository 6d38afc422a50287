package dev.logprobs4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogprobsTest {

    private static TokenLogprob t(String token, double lp, TopLogprob... top) {
        return new TokenLogprob(token, null, lp, List.of(top));
    }

    private static TopLogprob alt(String token, double lp) {
        return new TopLogprob(token, null, lp);
    }

    @Test
    void totalMeanAndPerplexityFollowTheirDefinitions() {
        Logprobs l = Logprobs.of(List.of(t("a", Math.log(0.5)), t("b", Math.log(0.25))));
        assertThat(l.totalLogprob()).isCloseTo(Math.log(0.125), within(1e-12));
        assertThat(l.meanLogprob()).isCloseTo(Math.log(0.125) / 2, within(1e-12));
        // perplexity = (1 / (0.5 * 0.25))^(1/2)
        assertThat(l.perplexity()).isCloseTo(Math.sqrt(8), within(1e-12));
        assertThat(l.probabilities()).containsExactly(0.5, 0.25);
    }

    @Test
    void veryUnlikelyMarkerIsKeptButLeftOutOfAverages() {
        Logprobs l = Logprobs.of(List.of(t("a", Math.log(0.5)), t("b", TokenLogprob.VERY_UNLIKELY)));
        assertThat(l.content().get(1).logprob()).isEqualTo(-9999.0);
        assertThat(l.content().get(1).isVeryUnlikely()).isTrue();
        assertThat(l.unknownCount()).isEqualTo(1);
        assertThat(l.meanLogprob()).isCloseTo(Math.log(0.5), within(1e-12));
        assertThat(l.probabilities()[1]).isZero();
    }

    @Test
    void meanOfNothingIsNaN() {
        assertThat(Logprobs.EMPTY.meanLogprob()).isNaN();
        assertThat(Logprobs.EMPTY.perplexity()).isNaN();
    }

    @Test
    void entropyEstimateCountsTheLeftoverMassAsOneOutcome() {
        TokenLogprob full = t("a", Math.log(0.5), alt("a", Math.log(0.5)), alt("b", Math.log(0.5)));
        assertThat(full.entropyEstimate()).isCloseTo(Math.log(2), within(1e-12));
        TokenLogprob partial = t("a", Math.log(0.5), alt("a", Math.log(0.5)), alt("b", Math.log(0.25)));
        double expected = -(0.5 * Math.log(0.5) + 0.25 * Math.log(0.25) + 0.25 * Math.log(0.25));
        assertThat(partial.entropyEstimate()).isCloseTo(expected, within(1e-12));
        assertThat(t("a", -1).entropyEstimate()).isNaN();
    }

    @Test
    void leastConfidentTokensAndSpans() {
        Logprobs l = Logprobs.of(List.of(t("A", -0.1), t("B", -3), t("C", -2), t("D", -0.1), t("E", -0.2), t("F", -5)));
        assertThat(l.leastConfident(2)).extracting(TokenLogprob::token).containsExactly("F", "B");
        List<Logprobs.Span> spans = l.leastConfidentSpans(2, 2);
        assertThat(spans.get(0).text()).isEqualTo("EF");
        assertThat(spans.get(0).meanLogprob()).isCloseTo(-2.6, within(1e-12));
        assertThat(spans.get(1).text()).isEqualTo("BC");
        assertThat(spans.get(1).start()).isEqualTo(1);
        assertThat(l.leastConfidentSpans(1, 100)).singleElement().extracting(Logprobs.Span::text).isEqualTo("ABCDEF");
    }

    @Test
    void choiceProbabilitiesReadTheFirstTokensAlternatives() {
        Logprobs l = Logprobs.of(List.of(t("Positive", Math.log(0.6),
                alt("Positive", Math.log(0.6)), alt(" neg", Math.log(0.3)), alt("Neutral", Math.log(0.05)), alt("N", Math.log(0.05)))));
        Map<String, Double> raw = l.labelProbabilities(List.of("Positive", "Negative", "Neutral"));
        assertThat(raw.get("Positive")).isCloseTo(0.6, within(1e-12));
        assertThat(raw.get("Negative")).isCloseTo(0.3, within(1e-12));
        assertThat(raw.get("Neutral")).isCloseTo(0.05, within(1e-12)); // "N" fits two labels: counted for none
        Map<String, Double> norm = l.choiceProbabilities(List.of("Positive", "Negative", "Neutral"));
        assertThat(norm.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(norm.get("Positive")).isCloseTo(0.6 / 0.95, within(1e-12));
        assertThatThrownBy(() -> Logprobs.EMPTY.labelProbabilities(List.of("x"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recordsRejectImpossibleValues() {
        assertThatThrownBy(() -> new TokenLogprob("x", null, 0.5)).hasMessageContaining("logprob must be <= 0");
        assertThatThrownBy(() -> new TopLogprob("x", null, Double.NaN)).hasMessageContaining("not NaN");
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] b = {1, 2};
        TokenLogprob t = new TokenLogprob("x", b, -1);
        b[0] = 9;
        assertThat(t.bytes()).containsExactly(1, 2);
        t.bytes()[1] = 9;
        assertThat(t.bytes()).containsExactly(1, 2);
        assertThat(t).isEqualTo(new TokenLogprob("x", new byte[] {1, 2}, -1));
    }
}
