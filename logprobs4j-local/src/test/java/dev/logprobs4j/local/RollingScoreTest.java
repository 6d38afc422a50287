package dev.logprobs4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.TokenLogprob;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rolling-window scoring of texts longer than one window, on the real stories260K model. */
class RollingScoreTest {
    private static final int WINDOW = 48;
    private static final int STRIDE = 20;

    private static LocalChatModel model;
    private static String text;

    @BeforeAll
    static void load() throws IOException {
        model = LocalChatModel.builder().modelPath(SharedModelFiles.stories260K()).threads(2).build();
        // About three and a half windows of real prose.
        String book = Files.readString(SharedModelFiles.warAndPeace());
        int from = book.indexOf("Well, Prince, so Genoa");
        text = book.substring(from, from + 600);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void everyTokenIsScoredOnceWithExactlyTheLogprobOfItsOwnContextScoredAlone() {
        int[] tokens = model.tokenize(text);
        assertThat(tokens.length).as("tokens of the text").isGreaterThan(3 * WINDOW);
        List<ScoredToken> rolled = new ArrayList<>();
        ScoreTotals totals = model.score(tokens, new ScoreOptions(2, WINDOW, STRIDE), rolled::add);

        assertThat(rolled).extracting(ScoredToken::position).as("each position once, in order")
                .containsExactlyElementsOf(java.util.stream.IntStream.range(1, tokens.length).boxed().toList());
        assertThat(totals.windows()).isEqualTo(1 + (tokens.length - 1 - WINDOW + STRIDE - 1) / STRIDE);
        for (ScoredToken t : rolled) {
            int i = t.position();
            int start = i - t.context();
            // The first window gives all the context there is; later ones at least window - stride + 1.
            assertThat(t.context()).as("context of token %d", i).isEqualTo(i <= WINDOW ? i : t.context())
                    .isBetween(Math.min(i, WINDOW - STRIDE + 1), WINDOW);
            // The same token scored as the last of its own context, in a single one-window call.
            int[] own = Arrays.copyOfRange(tokens, start, i + 1);
            List<ScoredToken> alone = new ArrayList<>();
            model.score(own, new ScoreOptions(2, 0, 0), alone::add);
            TokenLogprob expected = alone.get(alone.size() - 1).logprob();
            assertThat(t.logprob().token()).isEqualTo(expected.token());
            assertThat(t.logprob().logprob()).as("logprob of token %d with context [%d, %d)", i, start, i)
                    .isCloseTo(expected.logprob(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(t.logprob().topLogprobs()).hasSize(2);
            assertThat(t.logprob().topLogprobs().get(0).logprob())
                    .isCloseTo(expected.topLogprobs().get(0).logprob(), org.assertj.core.data.Offset.offset(1e-9));
        }
        double sum = rolled.stream().mapToDouble(t -> t.logprob().logprob()).sum();
        assertThat(totals.tokens()).isEqualTo(tokens.length - 1);
        assertThat(totals.totalLogprob()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(totals.perplexity()).isCloseTo(Math.exp(-sum / (tokens.length - 1)), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(totals.minRolledContext()).isEqualTo(WINDOW - STRIDE + 1);
    }

    @Test
    void aTextThatFitsIsScoredInOneWindowAsBefore() {
        String story = "Once upon a time, there was a little girl named Lily.";
        PromptScore plain = model.score(story, 3);
        PromptScore oneWindow = model.score(story, new ScoreOptions(3, model.contextLength(), 1));
        assertThat(oneWindow).isEqualTo(plain);
        assertThat(plain.contexts()).containsExactly(java.util.stream.IntStream.rangeClosed(1, plain.scored().size()).toArray());
    }

    @Test
    void aTextLongerThanTheContextRollsInsteadOfFailing() {
        try (LocalChatModel small = LocalChatModel.builder().modelPath(SharedModelFiles.stories260K()).threads(2).contextLength(64)
                .build()) {
            PromptScore score = small.score(text, 0);
            int[] tokens = small.tokenize(text);
            assertThat(score.scored().size()).isEqualTo(tokens.length - 1);
            assertThat(Arrays.stream(score.contexts()).max().orElseThrow()).isEqualTo(64);
            assertThat(Arrays.stream(score.contexts()).min().orElseThrow()).isEqualTo(1);
            assertThat(score.contexts()[score.contexts().length - 1]).isGreaterThanOrEqualTo(33);
            // The same numbers as rolling explicitly with the defaults: window 64, stride 32.
            assertThat(small.score(text, new ScoreOptions(0, 64, 32))).isEqualTo(score);
        }
    }

    @Test
    void aWindowLargerThanTheContextIsRefusedWithBothNumbers() {
        assertThatThrownBy(() -> model.score(text, new ScoreOptions(0, model.contextLength() + 1, 0)))
                .isInstanceOfSatisfying(ContextLengthException.class, e -> {
                    assertThat(e.tokens()).isEqualTo(model.contextLength() + 1);
                    assertThat(e.contextLength()).isEqualTo(model.contextLength());
                })
                .hasMessageContaining("does not fit in the context of " + model.contextLength());
    }

    @Test
    void optionsNameTheRuleTheyBreak() {
        assertThatThrownBy(() -> new ScoreOptions(21, 0, 0)).hasMessageContaining("topLogprobs must be within [0, 20]");
        assertThatThrownBy(() -> new ScoreOptions(0, 1, 0)).hasMessageContaining("window must be 0");
        assertThatThrownBy(() -> new ScoreOptions(0, 10, 11)).hasMessageContaining("stride must be within [1, window]");
        assertThat(ScoreOptions.DEFAULTS.withWindow(100, 0).strideFor(4096)).isEqualTo(50);
        assertThat(ScoreOptions.DEFAULTS.windowFor(512)).isEqualTo(512);
    }
}
