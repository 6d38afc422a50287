package dev.logprobs4j.local.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.LabelScores;
import dev.logprobs4j.LabelScores.LabelScore;
import dev.logprobs4j.Message;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.Session;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.SharedModelFiles;
import dev.logprobs4j.local.template.ChatTemplate;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LabelScoringTest {

    private static final String PROMPT = "Once upon a time, there was a little";
    private static LocalChatModel local;
    private static Model model;
    private static LocalEngine engine;

    @BeforeAll
    static void load() {
        local = LocalChatModel.builder().modelPath(SharedModelFiles.stories260K()).threads(2).build();
        model = Model.load(SharedModelFiles.stories260K(), LoadOptions.builder().threads(2).build());
        engine = new LocalEngine(model, Tokenizer.fromGguf(model.gguf()), ChatTemplate.plain(), "stories", 512);
    }

    @AfterAll
    static void close() {
        local.close();
        model.close();
    }

    /** Counts every token the label scoring feeds to a real session, and every prefill of the whole prompt. */
    private static final class CountingForward implements LabelScoring.Forward {
        final LabelScoring.Forward real;
        final int[] prompt;
        final List<Integer> fed = new ArrayList<>();
        int promptPrefills;

        CountingForward(Session session, int[] prompt) {
            this.real = LabelScoring.Forward.of(session);
            this.prompt = prompt;
        }

        @Override
        public float[] prefill(int[] tokens) {
            count(tokens);
            return real.prefill(tokens);
        }

        @Override
        public float[] prefill(int[] tokens, Session.LogitsConsumer consumer) {
            count(tokens);
            return real.prefill(tokens, consumer);
        }

        private void count(int[] tokens) {
            fed.add(tokens.length);
            if (java.util.Arrays.equals(tokens, prompt)) {
                promptPrefills++;
            }
        }

        @Override
        public void rewind(int position) {
            real.rewind(position);
        }

        @Override
        public int position() {
            return real.position();
        }
    }

    private static double scoreDifference(String label) {
        return scoreDifference(PROMPT, label);
    }

    private static double scoreDifference(String prompt, String label) {
        return local.score(prompt + label, 0).totalLogprob() - local.score(prompt, 0).totalLogprob();
    }

    @Test
    void labelLogprobsEqualScoreDifferencesAndThePromptIsPrefilledOnce() {
        List<String> labels = List.of(" girl", " boy", " dog", " elephant", " xylophone", " cat", " bird", " tree", " car", " frog",
                " pig", " cow", " fish", " ball", " king", " fox", " owl", " bear", " duck", " mouse", " horse", " lion", " sun", " moon",
                " lions", " kingdom", " kings", " lioness", " kingfisher");
        int[] prompt = engine.encodeWithBos(PROMPT, false);
        Session session = model.newSession(512);
        CountingForward counting = new CountingForward(session, prompt);
        LabelScores scores = new LabelScoring(engine).score(PROMPT, labels, t -> engine.encodeWithBos(t, false), counting, 512);

        assertThat(counting.promptPrefills).isEqualTo(1);
        // Everything fed: the prompt once, then each label's tokens but its last.
        int labelTokensFed = scores.labels().stream().mapToInt(l -> l.tokens() - 1).sum();
        assertThat(counting.fed.stream().mapToInt(Integer::intValue).sum()).isEqualTo(prompt.length + labelTokensFed);

        for (LabelScore s : scores.labels()) {
            assertThat(s.logprob()).as(s.label()).isCloseTo(scoreDifference(s.label()), Offset.offset(1e-6));
        }
        LabelScore far = scores.labels().stream().filter(s -> s.tokens() == 3 && s.firstTokenRank() > 20).findFirst().orElseThrow(
                () -> new AssertionError("no 3-token label outside the top 20 among " + scores.labels()));
        assertThat(far.logprob()).isLessThan(-10);
        assertThat(scores.best().label()).isEqualTo(" girl");
        assertThat(scores.distribution().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, Offset.offset(1e-12));
        assertThat(scores.isLowerBound()).isFalse();
        // the public entry point gives the same numbers
        assertThat(local.classify(PROMPT, labels)).isEqualTo(scores);
    }

    @Test
    void aLabelThatMergesWithThePromptsEndIsScoredAsTheDifferenceOfTheTwoTexts() {
        String prompt = "Once upon a time, there was a little gi";
        List<String> labels = List.of("rl", " cat");
        int[] p = engine.encodeWithBos(prompt, false);
        int[] q = engine.encodeWithBos(prompt + "rl", false);
        assertThat(java.util.Arrays.equals(java.util.Arrays.copyOf(q, Math.min(q.length, p.length)), p))
                .as("the test needs a label that changes the prompt's last token").isFalse();
        int shared = 0;
        while (shared < p.length && p[shared] == q[shared]) {
            shared++;
        }
        LabelScores scores = local.classify(prompt, labels);
        // "rl" is scored with the prompt's merged tail: the joined text's tokens after the shared ones
        List<dev.logprobs4j.TokenLogprob> joined = local.score(prompt + "rl", 0).scored().content();
        double expected = joined.subList(shared - 1, joined.size()).stream().mapToDouble(dev.logprobs4j.TokenLogprob::logprob).sum();
        assertThat(scores.get("rl").logprob()).isCloseTo(expected, Offset.offset(1e-6));
        assertThat(scores.get("rl").tokens()).isEqualTo(q.length - shared);
        // and the cache was restored for the label after it
        assertThat(scores.get(" cat").logprob()).isCloseTo(scoreDifference(prompt, " cat"), Offset.offset(1e-6));
    }

    @Test
    void chatMessagesAreScoredAfterTheRenderedPrompt() {
        LabelScores scores = local.classify(List.of(Message.human("Once upon a time, there was a little")), List.of(" girl", " dog"));
        assertThat(scores).isEqualTo(local.classify(PROMPT, List.of(" girl", " dog"))); // no template: the message as it is
    }

    @Test
    void everyLogprobCarriesItsTokenIdAndItsRankInTheWholeVocabulary() {
        String text = "Once upon a time, there was a little lions";
        List<dev.logprobs4j.TokenLogprob> scored = local.score(text, 20).scored().content();
        int[] ids = local.tokenize(text);
        for (int i = 0; i < scored.size(); i++) {
            dev.logprobs4j.TokenLogprob t = scored.get(i);
            assertThat(t.tokenId()).isEqualTo(ids[i + 1]); // ids[0] is BOS
            for (int r = 0; r < t.topLogprobs().size(); r++) {
                assertThat(t.topLogprobs().get(r).rank()).isEqualTo(r + 1);
                if (t.topLogprobs().get(r).tokenId() == t.tokenId()) {
                    assertThat(t.rank()).isEqualTo(r + 1);
                }
            }
            // a rank past the alternatives means a token less likely than all of them
            if (t.rank() > 20) {
                assertThat(t.logprob()).isLessThanOrEqualTo(t.topLogprobs().get(19).logprob());
                assertThat(t.topLogprobs()).noneMatch(a -> a.tokenId() == t.tokenId());
            }
        }
        assertThat(scored).anyMatch(t -> t.rank() > 20); // "·li" of " lions" is rank 21
    }

    @Test
    void badLabelListsAreRejectedNamingTheLabel() {
        assertThatThrownBy(() -> local.classify(PROMPT, List.of()))
                .hasMessage("labels must hold at least one label");
        assertThatThrownBy(() -> local.classify(PROMPT, List.of(" a", " a")))
                .hasMessage("label ' a' is given twice");
    }
}
