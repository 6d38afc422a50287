package dev.logprobs4j.llamacpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** llama.cpp specifics: both probability shapes, conversion of probabilities, requests sent, prompt, streams. */
class LlamaCppCompletionModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private ReplayServer server;

    @BeforeEach
    void start() {
        server = ReplayServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] fixture(String name) {
        return LlamaCppContractTest.fixture(name);
    }

    private ChatModel plain(ChatOptions options) {
        return LlamaCppCompletionModel.builder().baseUrl(server.baseUrl()).useServerTemplate(false).build().bind(options);
    }

    private static ChatOptions logprobs(int top) {
        return ChatOptions.builder().logprobs(true).topLogprobs(top).build();
    }

    private JsonNode sentBody(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).bodyText());
    }

    @Test
    void invokeSendsTheMappedOptionsAndReadsTextUsageFinishAndTimings() throws Exception {
        server.route("POST", "/completion", Reply.json(fixture("completion.json")));
        ChatOptions options = ChatOptions.builder().logprobs(true).topLogprobs(2).temperature(0.0).topP(0.9).seed(42L)
                .maxTokens(5).stop("\n").extra("top_k", 1).build();

        AIMessage msg = plain(options).invoke("how are you today");

        JsonNode sent = sentBody(0);
        assertThat(sent.get("prompt").asText()).isEqualTo("how are you today");
        assertThat(sent.get("stream").asBoolean()).isFalse();
        assertThat(sent.get("n_predict").asInt()).isEqualTo(5);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(sent.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.get("seed").asLong()).isEqualTo(42L);
        assertThat(sent.get("stop").get(0).asText()).isEqualTo("\n");
        assertThat(sent.get("n_probs").asInt()).isEqualTo(2);
        assertThat(sent.has("post_sampling_probs")).isFalse();
        assertThat(sent.get("top_k").asInt()).isEqualTo(1);

        assertThat(msg.content()).isEqualTo("I'm doing well!");
        assertThat(msg.finishReason()).isEqualTo("stop"); // stop_type "eos"
        assertThat(msg.usage()).isEqualTo(new Usage(6, 5, 11));
        assertThat(msg.info().model()).isEqualTo("gpt-3.5-turbo");
        assertThat(msg.logprobs().size()).isEqualTo(5);
        assertThat(msg.logprobs().content().get(0).topLogprobs()).containsExactly(
                new TopLogprob("I", new byte[] {73}, -0.31725305),
                new TopLogprob("Hello", new byte[] {72, 101, 108, 108, 111}, -1.3190403));
        Map<String, Object> meta = msg.responseMetadata();
        assertThat(((Map<?, ?>) meta.get("timings")).get("predicted_n")).isEqualTo(5L);
        assertThat(meta.get("truncated")).isEqualTo(false);
        assertThat(meta.get("finish_reason")).isEqualTo("stop");
        assertThat(meta.get("raw")).isEqualTo(new String(fixture("completion.json"), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void logprobsWithoutTopLogprobsStillAsksForOneProbabilityButKeepsNoAlternatives() throws Exception {
        server.route("POST", "/completion", Reply.json(fixture("completion.json")));

        AIMessage msg = plain(ChatOptions.builder().logprobs(true).build()).invoke("how are you today");

        assertThat(sentBody(0).get("n_probs").asInt()).isEqualTo(1);
        assertThat(msg.logprobs().content()).allSatisfy(t -> assertThat(t.topLogprobs()).isEmpty());
        assertThat(msg.logprobs().content().get(1).logprob()).isEqualTo(-0.02380986);
    }

    @Test
    void withoutLogprobsNoProbabilitiesAreAskedAndNoneReturned() throws Exception {
        server.route("POST", "/completion", Reply.json(fixture("completion.json")));

        AIMessage msg = plain(ChatOptions.NONE).invoke("how are you today");

        assertThat(sentBody(0).has("n_probs")).isFalse();
        assertThat(msg.hasLogprobs()).isFalse();
        assertThat(msg.responseMetadata().get("logprobs")).isNull();
        assertThat(msg.content()).isEqualTo("I'm doing well!");
    }

    @Test
    void olderServersProbsShapeIsConvertedFromProbabilities() {
        server.route("POST", "/completion", Reply.json(fixture("legacy-completion.json")));

        AIMessage msg = plain(logprobs(2)).invoke("The capital of France is");

        List<TokenLogprob> tokens = msg.logprobs().content();
        assertThat(tokens).hasSize(4);
        // " Paris" is its own first alternative with p = 0.8871003985404968
        assertThat(tokens.get(0).token()).isEqualTo(" Paris");
        assertThat(tokens.get(0).bytes()).isEqualTo(" Paris".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(tokens.get(0).logprob()).isEqualTo(Math.log(0.8871003985404968));
        assertThat(tokens.get(0).topLogprobs().get(1).logprob()).isEqualTo(Math.log(0.0541655570268631));
        // "." is the second alternative, p = 0.25
        assertThat(tokens.get(1).logprob()).isEqualTo(Math.log(0.25));
        // " " is not among its alternatives: unknown, marked
        assertThat(tokens.get(2).logprob()).isEqualTo(TokenLogprob.VERY_UNLIKELY);
        assertThat(tokens.get(2).isVeryUnlikely()).isTrue();
        // "byte: \xe2" is the lone byte 0xE2; p = 1 gives 0, the p = 0 alternative gives the marker
        assertThat(tokens.get(3).bytes()).containsExactly((byte) 0xE2);
        assertThat(tokens.get(3).logprob()).isEqualTo(0.0);
        assertThat(tokens.get(3).topLogprobs().get(1).logprob()).isEqualTo(TokenLogprob.VERY_UNLIKELY);
        assertThat(msg.finishReason()).isEqualTo("length"); // stopped_limit
        assertThat(msg.usage()).isEqualTo(new Usage(7, 4, 11));
        assertThat(msg.logprobs().unknownCount()).isEqualTo(1);
    }

    @Test
    void postSamplingProbabilitiesAreSentForAndConvertedToLogprobs() throws Exception {
        server.route("POST", "/completion", Reply.json(fixture("post-sampling.json")));
        ChatModel model = LlamaCppCompletionModel.builder().baseUrl(server.baseUrl()).useServerTemplate(false)
                .postSamplingProbs(true).build().bind(logprobs(3));

        AIMessage msg = model.invoke("Is water wet? Answer Yes or No.");

        assertThat(sentBody(0).get("post_sampling_probs").asBoolean()).isTrue();
        TokenLogprob yes = msg.logprobs().content().get(0);
        assertThat(yes.logprob()).isEqualTo(Math.log(0.75));
        assertThat(yes.topLogprobs()).extracting(TopLogprob::logprob)
                .containsExactly(Math.log(0.75), Math.log(0.25), TokenLogprob.VERY_UNLIKELY);
        assertThat(msg.logprobs().choiceProbabilities(List.of("Yes", "No")))
                .containsEntry("Yes", 0.75).containsEntry("No", 0.25);
        assertThat(msg.finishReason()).isEqualTo("length"); // stop_type "limit"
    }

    @Test
    void bytesOfAPartialCharacterAreKeptAndMinusFloatMaxBecomesTheMarker() {
        server.route("POST", "/completion", Reply.json(fixture("partial-utf8.json")));

        AIMessage msg = plain(logprobs(1)).invoke("smile");

        TokenLogprob first = msg.logprobs().content().get(0);
        assertThat(first.token()).isEmpty();
        assertThat(first.bytes()).containsExactly((byte) 226, (byte) 152);
        TokenLogprob second = msg.logprobs().content().get(1);
        assertThat(second.logprob()).isEqualTo(TokenLogprob.VERY_UNLIKELY);
        assertThat(msg.logprobs().totalLogprob()).isEqualTo(-0.5);
    }

    @Test
    void serverTemplateRendersMessagesThroughApplyTemplateFirst() throws Exception {
        server.route("POST", "/apply-template", Reply.json(
                "{\"prompt\":\"<|im_start|>system\\nBe brief.<|im_end|>\\n<|im_start|>user\\nhi<|im_end|>\\n<|im_start|>assistant\\n\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        server.route("POST", "/completion", Reply.json(fixture("completion.json")));
        ChatModel model = LlamaCppCompletionModel.builder().baseUrl(server.baseUrl()).build();

        model.invoke(Message.system("Be brief."), Message.human("hi"));

        assertThat(server.requests()).extracting(r -> r.path()).containsExactly("/apply-template", "/completion");
        JsonNode template = sentBody(0);
        assertThat(template.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(template.get("messages").get(1).get("content").asText()).isEqualTo("hi");
        assertThat(sentBody(1).get("prompt").asText())
                .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void plainPromptJoinsContentsByNewlines() throws Exception {
        server.route("POST", "/completion", Reply.json(fixture("completion.json")));

        plain(ChatOptions.NONE).invoke(Message.system("You are terse."), Message.human("hi"));

        assertThat(sentBody(0).get("prompt").asText()).isEqualTo("You are terse.\nhi");
    }

    @Test
    void streamSendsStreamTrueAndChunksFollowTheEvents() throws Exception {
        server.route("POST", "/completion", Reply.streamed("text/event-stream", fixture("completion-stream.sse")));

        List<AIMessageChunk> chunks = new ArrayList<>();
        try (ChatStream stream = plain(logprobs(2)).stream("how are you today")) {
            stream.forEach(chunks::add);
        }

        assertThat(sentBody(0).get("stream").asBoolean()).isTrue();
        assertThat(chunks).extracting(AIMessageChunk::content).containsExactly("", "I", "'m", " doing", " well", "!", "");
        assertThat(chunks).extracting(c -> c.logprobs().size()).containsExactly(0, 1, 1, 1, 1, 1, 0);
        AIMessageChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.finishReason()).isEqualTo("stop");
        assertThat(last.usage()).isEqualTo(new Usage(6, 5, 11));
        AIMessageChunk full = chunks.stream().reduce(AIMessageChunk.empty(), AIMessageChunk::add);
        assertThat(full.content()).isEqualTo("I'm doing well!");
        assertThat(full.logprobs().content()).extracting(TokenLogprob::token).containsExactly("I", "'m", " doing", " well", "!");
        assertThat(full.usage()).isEqualTo(new Usage(6, 5, 11));
    }

    @Test
    void olderServersFinalStreamEventDoesNotRepeatTheLogprobs() {
        server.route("POST", "/completion", Reply.streamed("text/event-stream", fixture("legacy-completion-stream.sse")));

        AIMessageChunk full = plain(logprobs(2)).stream("The capital of France is").aggregate();

        assertThat(full.content()).isEqualTo(" Paris.");
        assertThat(full.logprobs().content()).extracting(TokenLogprob::token).containsExactly(" Paris", ".");
        assertThat(full.logprobs().content().get(1).logprob()).isEqualTo(Math.log(0.25));
        assertThat(full.finishReason()).isEqualTo("length");
        assertThat(full.usage()).isEqualTo(new Usage(7, 2, 9));
    }

    @Test
    void streamCutBeforeStopEventCarriesWhatArrived() {
        server.route("POST", "/completion",
                Reply.streamed("text/event-stream", fixture("completion-stream.sse")).cutAfterLines(4));

        assertThatThrownBy(() -> plain(logprobs(2)).stream("how are you today").aggregate())
                .isInstanceOfSatisfying(IncompleteStreamException.class, e -> {
                    // the JDK client may report the cut before handing over the last bytes it
                    // received: "I'm" or less arrived, never more, and text and logprobs agree
                    assertThat(e.partial().content()).isIn("", "I", "I'm");
                    assertThat(String.join("", e.partial().logprobs().content().stream().map(TokenLogprob::token).toList()))
                            .isEqualTo(e.partial().content());
                    assertThat(e.partial().finishReason()).isNull();
                });
    }

    @Test
    void errorLineInsideTheStreamBecomesProviderException() {
        String body = "data: {\"content\":\"I\",\"stop\":false}\n\n"
                + "error: {\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}\n\n";
        server.route("POST", "/completion", Reply.streamed("text/event-stream", body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> plain(ChatOptions.NONE).stream("x").aggregate())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.type()).isEqualTo("server_error");
                    assertThat(e.code()).isEqualTo("500");
                    assertThat(e.providerMessage()).isEqualTo("context shift is disabled");
                });
    }

    @Test
    void malformedProbabilityNamesItsJsonPath() {
        server.route("POST", "/completion", Reply.json(
                "{\"content\":\"a\",\"stop\":true,\"completion_probabilities\":[{\"token\":\"a\",\"prob\":1.5,\"top_probs\":[]}]}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> plain(logprobs(1)).invoke("x"))
                .isInstanceOfSatisfying(MalformedResponseException.class,
                        e -> assertThat(e.location()).isEqualTo("$.completion_probabilities[0].prob"));
    }

    @Test
    void moreThanOneAnswerFailsBeforeAnyRequest() {
        assertThatThrownBy(() -> plain(ChatOptions.builder().n(2).build()).invoke("x"))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo("n"));
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void perplexityOfTheFixtureMatchesTheHandComputedValue() {
        server.route("POST", "/completion", Reply.json(fixture("completion.json")));

        AIMessage msg = plain(logprobs(2)).invoke("how are you today");

        double mean = (-0.31725305 - 0.02380986 - 0.4701289 - 0.08413124 - 0.5123146) / 5;
        assertThat(msg.logprobs().perplexity()).isCloseTo(Math.exp(-mean), within(1e-12));
    }
}
