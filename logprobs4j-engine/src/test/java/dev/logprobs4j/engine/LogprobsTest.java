package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogprobsTest {
    @Test
    void logSumExpMatchesHandComputation() {
        // log(e^0 + e^ln3) = log 4
        assertThat(Logprobs.logSumExp(new float[] {0f, (float) Math.log(3)})).isCloseTo(Math.log(4), within(1e-7));
        // Large logits do not overflow.
        assertThat(Logprobs.logSumExp(new float[] {1000f, 1000f})).isCloseTo(1000 + Math.log(2), within(1e-9));
    }

    @Test
    void topIsSortedDescendingWithLowerIdFirstOnTies() {
        float[] l = {1f, 3f, 2f, 3f, -1f};
        double lse = Logprobs.logSumExp(l);
        List<TokenLogprob> top = Logprobs.top(l, 0, l.length, 3, lse);
        assertThat(top).extracting(TokenLogprob::tokenId).containsExactly(1, 3, 2);
        assertThat(top.get(0).logprob()).isCloseTo(3 - lse, within(1e-12));
        assertThat(Logprobs.top(l, 0, l.length, 10, lse)).hasSize(5);
        assertThat(Logprobs.top(l, 0, l.length, 0, lse)).isEmpty();
        double total = Logprobs.top(l, 0, l.length, 5, lse).stream().mapToDouble(t -> Math.exp(t.logprob())).sum();
        assertThat(total).isCloseTo(1.0, within(1e-12));
    }
}
