package dev.logprobs4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Json;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalChatModelTest {

    private static LocalChatModel model;

    @BeforeAll
    static void load() {
        model = LocalChatModel.builder().modelPath(SharedModelFiles.stories260K()).threads(2).build();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ChatModel greedy(int top) {
        return model.bind(ChatOptions.builder().logprobs(true).topLogprobs(top).temperature(0).maxTokens(40).build());
    }

    @Test
    void greedyStoryMatchesTheKnownContinuation() {
        // The models README records llama.cpp's greedy continuation of "Once upon a time".
        AIMessage msg = greedy(0).invoke("Once upon a time");
        assertThat(msg.content()).startsWith(", there was a little girl named Lily. She loved to play outside in the park.");
        assertThat(msg.finishReason()).isEqualTo("length");
        assertThat(msg.usage().completionTokens()).isEqualTo(40);
        assertThat(msg.usage().promptTokens()).isEqualTo(5); // BOS + 4 tokens
        assertThat(msg.logprobs().size()).isEqualTo(40);
    }

    @Test
    void guideExampleStreamsEmptyThenGrowingLogprobsAndEqualsInvoke() {
        ChatModel llm = greedy(3);
        AIMessage invoked = llm.invoke(Message.human("Once upon a time"));
        AIMessageChunk full = null;
        List<Integer> sizes = new ArrayList<>();
        for (AIMessageChunk chunk : llm.stream(Message.human("Once upon a time"))) {
            full = full == null ? chunk : full.add(chunk);
            @SuppressWarnings("unchecked")
            Map<String, Object> lp = (Map<String, Object>) full.responseMetadata().get("logprobs");
            sizes.add(((List<?>) lp.get("content")).size());
        }
        assertThat(sizes.get(0)).isZero();
        assertThat(sizes.get(1)).isEqualTo(1);
        assertThat(sizes.get(2)).isEqualTo(2);
        assertThat(full.logprobs()).isEqualTo(invoked.logprobs());
        assertThat(full.content()).isEqualTo(invoked.content());
        assertThat(full.finishReason()).isEqualTo("length");
        assertThat(Json.write(full.responseMetadata().get("logprobs"))).startsWith("{\"content\": [{\"token\": \",\", \"bytes\": [44], \"logprob\": ");
    }

    @Test
    void logprobsAreAProperDistributionWithSortedAlternatives() {
        AIMessage msg = greedy(5).invoke("Once upon a time");
        for (TokenLogprob t : msg.logprobs().content()) {
            List<TopLogprob> top = t.topLogprobs();
            assertThat(top).hasSize(5);
            for (int i = 1; i < top.size(); i++) {
                assertThat(top.get(i).logprob()).isLessThanOrEqualTo(top.get(i - 1).logprob());
            }
            // Greedy: the chosen token is the most likely one.
            assertThat(t.logprob()).isEqualTo(top.get(0).logprob());
            assertThat(top.stream().mapToDouble(TopLogprob::probability).sum()).isLessThanOrEqualTo(1.0 + 1e-9);
        }
    }

    @Test
    void joinedBytesAreExactlyTheGeneratedText() {
        AIMessage msg = model.bind(ChatOptions.builder().logprobs(true).temperature(1).seed(7).maxTokens(60).build())
                .invoke("The little dog");
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (TokenLogprob t : msg.logprobs().content()) {
            joined.writeBytes(t.bytes());
        }
        assertThat(joined.toString(StandardCharsets.UTF_8)).isEqualTo(msg.content());
    }

    @Test
    void sameSeedSameAnswerAndNGivesDistinctChoices() {
        ChatModel sampled = model.bind(ChatOptions.builder().temperature(1).seed(42).maxTokens(30).build());
        assertThat(sampled.invoke("Tom had").content()).isEqualTo(sampled.invoke("Tom had").content());
        AIMessage two = model.invoke(List.of(Message.human("Tom had")),
                ChatOptions.builder().temperature(1).seed(42).maxTokens(30).n(2).build());
        assertThat(two.choices()).hasSize(2);
        assertThat(two.choices().get(0).content()).isEqualTo(sampled.invoke("Tom had").content());
        assertThat(two.choices().get(1).index()).isEqualTo(1);
    }

    @Test
    void stopStringsCutTheAnswerAndDropTokensInsideTheStop() {
        AIMessage all = greedy(0).invoke("Once upon a time");
        AIMessage stopped = model.invoke(List.of(Message.human("Once upon a time")),
                ChatOptions.builder().logprobs(true).temperature(0).maxTokens(40).stop("Lily").build());
        // " Lily" holds the stop string: the answer ends with the token before it.
        assertThat(stopped.content()).isEqualTo(", there was a little girl named");
        assertThat(stopped.finishReason()).isEqualTo("stop");
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        stopped.logprobs().content().forEach(t -> joined.writeBytes(t.bytes()));
        assertThat(joined.toString(StandardCharsets.UTF_8)).isEqualTo(stopped.content());
        assertThat(all.logprobs().content().subList(0, stopped.logprobs().size())).isEqualTo(stopped.logprobs().content());
        // Streaming holds back text that could start a stop string and gives the same answer.
        AIMessageChunk streamed = model.stream(List.of(Message.human("Once upon a time")),
                ChatOptions.builder().logprobs(true).temperature(0).maxTokens(40).stop("Lily").build()).aggregate();
        assertThat(streamed.content()).isEqualTo(stopped.content());
        assertThat(streamed.logprobs()).isEqualTo(stopped.logprobs());
    }

    @Test
    void scoringAGivenTextGivesOneLogprobPerTokenAfterBos() {
        PromptScore score = model.score("Once upon a time, there was a little girl named Lily.", 3);
        assertThat(score.unscored()).isEmpty();
        int tokens = model.tokenize("Once upon a time, there was a little girl named Lily.").length;
        assertThat(score.scored().size()).isEqualTo(tokens - 1);
        assertThat(score.scored().content().get(0).token()).isEqualTo(" Once"); // SentencePiece's space prefix
        assertThat(score.perplexity()).isGreaterThan(1.0).isLessThan(20.0);
        // The continuation the model itself prefers is scored the same as when it was generated.
        AIMessage msg = greedy(0).invoke("Once upon a time");
        PromptScore again = model.score("Once upon a time" + msg.content(), 0);
        double generatedTotal = msg.logprobs().totalLogprob();
        List<TokenLogprob> tail = again.scored().content().subList(again.scored().size() - msg.logprobs().size(), again.scored().size());
        double scoredTotal = tail.stream().mapToDouble(TokenLogprob::logprob).sum();
        assertThat(scoredTotal).isCloseTo(generatedTotal, org.assertj.core.api.Assertions.within(1e-3));
    }

    @Test
    void badOptionsAndFilesGetClearErrors() {
        assertThatThrownBy(() -> model.invoke(List.of(Message.human("x")), ChatOptions.builder().extra("mirostat", 2).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option 'mirostat'");
        assertThatThrownBy(() -> LocalChatModel.load(java.nio.file.Path.of("/nonexistent/model.gguf")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no model file at /nonexistent/model.gguf");
        assertThat(model.capabilities().promptLogprobs()).isTrue();
        assertThat(model.modelName()).isNotBlank();
    }
}
