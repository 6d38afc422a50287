package dev.logprobs4j.cli.internal;

import static dev.logprobs4j.cli.internal.Fixtures.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.Logprobs;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void totalsPerplexityAndLeastConfidentSpanComputedByHand() {
        // p = 1/2 and 1/4: total = ln(1/8) = -2.0794, perplexity = exp(2.0794 / 2) = sqrt(8) = 2.8284;
        // with two tokens the one span is both, geometric mean p = sqrt(1/8) = 35.4%.
        Logprobs lp = Logprobs.of(List.of(token("a", 0.5), token(" b", 0.25)));
        assertThat(Summary.line(lp, AnsiColors.NONE, 0))
                .isEqualTo("tokens 2 · total logprob -2.0794 · perplexity 2.8284 · least confident span #0-1 \"a·b\" (geometric mean p 35.4%)");
    }

    @Test
    void spanIndexesAreShiftedByFirstIndex() {
        Logprobs lp = Logprobs.of(List.of(token("a", 0.5)));
        assertThat(Summary.line(lp, AnsiColors.NONE, 3)).contains("span #3-3 \"a\"");
    }

    @Test
    void noTokensGivesNoSpanAndNotAvailablePerplexity() {
        assertThat(Summary.line(Logprobs.EMPTY, AnsiColors.NONE, 0)).isEqualTo("tokens 0 · total logprob 0.0000 · perplexity n/a");
    }

    @Test
    void runningSummaryOfAStreamEqualsTheLineOverTheWholeList() {
        java.util.Random random = new java.util.Random(16);
        for (int n : new int[] {0, 1, 3, 4, 5, 17, 400}) {
            List<dev.logprobs4j.TokenLogprob> tokens = new java.util.ArrayList<>();
            Summary.Running running = new Summary.Running();
            for (int i = 0; i < n; i++) {
                // Few distinct values, so equal spans (ties) occur and the earliest must win in both.
                dev.logprobs4j.TokenLogprob t = token("t" + i, new double[] {0.9, 0.5, 0.25, 0.5}[random.nextInt(4)]);
                tokens.add(t);
                running.add(t);
            }
            assertThat(running.line(AnsiColors.NONE, 7)).as("%d tokens", n).isEqualTo(Summary.line(Logprobs.of(tokens), AnsiColors.NONE, 7));
        }
    }
}
