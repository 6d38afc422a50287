package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    static Model stories;
    static final int[] ONCE_UPON_A_TIME = {1, 403, 407, 261, 378}; // BOS + llama.cpp's encode("Once upon a time")

    @BeforeAll
    static void load() {
        stories = Model.load(TestModels.stories(), LoadOptions.builder().threads(2).build());
    }

    @AfterAll
    static void close() {
        stories.close();
    }

    private static String text(int[] ids) {
        String[] vocab = stories.gguf().metadata().getStringArray("tokenizer.ggml.tokens");
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(vocab[id].replace('\u2581', ' '));
        }
        return sb.toString();
    }

    @Test
    void greedyStoryMatchesThePublishedContinuation() {
        GenerationResult r = new Generator(stories.newSession(256))
                .generate(GenerationRequest.builder(ONCE_UPON_A_TIME).maxTokens(40).build());
        // The continuation llama.cpp produces (shared/models/README.md).
        assertThat(text(r.tokenIds())).startsWith(", there was a little girl named Lily. She loved to play outside in the park.");
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.steps()).hasSize(40);
    }

    @Test
    void stepsCarryLogSoftmaxOfRawLogitsAndSortedTopK() {
        Session s = stories.newSession(64);
        GenerationResult r = new Generator(s).generate(GenerationRequest.builder(ONCE_UPON_A_TIME).maxTokens(3).topLogprobs(5)
                .sampling(SamplingParams.ofTemperature(1.5f, 3).withTopK(3)).build());
        float[] logits = stories.newSession(64).prefill(ONCE_UPON_A_TIME);
        double lse = LogSoftmax.logSumExp(logits);
        GenerationStep first = r.steps().get(0);
        // Temperature and top-k change the choice, never the reported logprob.
        assertThat(first.logprob()).isCloseTo(logits[first.tokenId()] - lse, within(1e-9));
        assertThat(first.topLogprobs()).hasSize(5);
        for (int i = 1; i < 5; i++) {
            assertThat(first.topLogprobs().get(i).logprob()).isLessThanOrEqualTo(first.topLogprobs().get(i - 1).logprob());
        }
        assertThat(first.topLogprobs().get(0).tokenId()).isEqualTo(Sampler.argmax(logits, 0, logits.length));
        // The session holds the prompt and every generated token but the last.
        assertThat(s.position()).isEqualTo(ONCE_UPON_A_TIME.length + 2);
    }

    @Test
    void stopTokenEndsGenerationAndIsNotEmitted() {
        int[] greedy = new Generator(stories.newSession(64)).generate(GenerationRequest.builder(ONCE_UPON_A_TIME).maxTokens(10).build())
                .tokenIds();
        GenerationResult r = new Generator(stories.newSession(64))
                .generate(GenerationRequest.builder(ONCE_UPON_A_TIME).maxTokens(10).stopTokenIds(2, greedy[4]).build());
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.tokenIds()).containsExactly(java.util.Arrays.copyOf(greedy, 4));
    }

    @Test
    void listenerCanStopAndSeesEveryStep() {
        List<GenerationStep> seen = new ArrayList<>();
        GenerationResult r = new Generator(stories.newSession(64)).generate(
                GenerationRequest.builder(ONCE_UPON_A_TIME).maxTokens(10).build(), step -> seen.add(step) && seen.size() < 3);
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.steps()).hasSize(3).isEqualTo(seen);
    }

    @Test
    void promptLogprobsScoreEachPromptTokenGivenItsPrefix() {
        GenerationResult r = new Generator(stories.newSession(64)).generate(
                GenerationRequest.builder(ONCE_UPON_A_TIME).maxTokens(1).promptLogprobs(true).topLogprobs(2).build());
        assertThat(r.promptSteps()).hasSize(ONCE_UPON_A_TIME.length - 1);
        for (int i = 1; i < ONCE_UPON_A_TIME.length; i++) {
            float[] logits = stories.newSession(64).prefill(java.util.Arrays.copyOf(ONCE_UPON_A_TIME, i));
            GenerationStep step = r.promptSteps().get(i - 1);
            assertThat(step.tokenId()).isEqualTo(ONCE_UPON_A_TIME[i]);
            assertThat(step.logprob()).isCloseTo(logits[ONCE_UPON_A_TIME[i]] - LogSoftmax.logSumExp(logits), within(1e-5));
        }
    }

    @Test
    void contextFullEndsWithLength() {
        GenerationResult r = new Generator(stories.newSession(8))
                .generate(GenerationRequest.builder(ONCE_UPON_A_TIME).maxTokens(100).build());
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.steps()).hasSize(4); // 5 prompt + 3 fed tokens fill 8; the 4th is emitted but not fed
    }
}
