package dev.logprobs4j.tgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TGI specifics: the request's parameters, prefill as prompt logprobs, special tokens, finish reasons, stream errors. */
class TgiChatModelTest {

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
        return TgiContractTest.fixture(name);
    }

    private TgiChatModel.Builder builder() {
        return TgiChatModel.builder().baseUrl(server.baseUrl());
    }

    private JsonNode sent(int i) throws Exception {
        return JSON.readTree(server.requests().get(i).bodyText());
    }

    @Test
    void invokeSendsInputsAndParametersWithDetailsAndTopNTokens() throws Exception {
        server.route("POST", "/generate", Reply.json(fixture("generate.json")));
        ChatOptions options = ChatOptions.builder().logprobs(true).topLogprobs(2).maxTokens(10).temperature(0.5)
                .topP(0.9).seed(0L).stop("\n\n").extra("repetition_penalty", 1.2).build();

        AIMessage msg = builder().build().bind(options).invoke(Message.system("Translate."), Message.human("Pour dégus"));

        JsonNode body = sent(0);
        assertThat(body.get("inputs").asText()).isEqualTo("Translate.\nPour dégus");
        JsonNode p = body.get("parameters");
        assertThat(p.get("details").asBoolean()).isTrue();
        assertThat(p.get("top_n_tokens").asInt()).isEqualTo(2);
        assertThat(p.get("max_new_tokens").asInt()).isEqualTo(10);
        assertThat(p.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(p.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(p.get("seed").asLong()).isZero();
        assertThat(p.get("stop").get(0).asText()).isEqualTo("\n\n");
        assertThat(p.get("repetition_penalty").asDouble()).isEqualTo(1.2);
        assertThat(p.has("decoder_input_details")).isFalse();
        assertThat(body.has("stream")).isFalse();

        assertThat(msg.content()).isEqualTo(" le faire fondre à la casserole avec");
        assertThat(msg.finishReason()).isEqualTo("length");
        assertThat(msg.usage()).isEqualTo(new Usage(0, 10, 10));
        assertThat(msg.logprobs().size()).isEqualTo(10);
        assertThat(msg.logprobs().content().get(0).topLogprobs()).containsExactly(
                new TopLogprob(" le", " le".getBytes(StandardCharsets.UTF_8), -1.6318359),
                new TopLogprob(" la", " la".getBytes(StandardCharsets.UTF_8), -1.9443359));
        assertThat(msg.responseMetadata()).containsEntry("seed", 0L).containsEntry("model_name", "tgi");
    }

    @Test
    void greedyAndFullNucleusAreSpelledTheWayTgiAccepts() throws Exception {
        server.route("POST", "/generate", Reply.json(fixture("generate.json")));

        builder().build().bind(ChatOptions.builder().temperature(0.0).topP(1.0).build()).invoke("x");

        JsonNode p = sent(0).get("parameters");
        assertThat(p.get("do_sample").asBoolean()).isFalse();
        assertThat(p.has("temperature")).isFalse();
        assertThat(p.has("top_p")).isFalse();
        assertThat(p.has("top_n_tokens")).isFalse();
    }

    @Test
    void promptLogprobsComeFromThePrefillOfARealBloomAnswer() throws Exception {
        server.route("POST", "/generate", Reply.json(fixture("bloom-560m-prefill.json")));
        ChatModel model = builder().promptLogprobs(true).build().bind(ChatOptions.builder().logprobs(true).build());

        AIMessage msg = model.invoke("Pour déguster un ortolan, il faut tout d'abord");

        assertThat(sent(0).get("parameters").get("decoder_input_details").asBoolean()).isTrue();
        assertThat(model.capabilities().promptLogprobs()).isTrue();
        List<?> prefill = (List<?>) msg.responseMetadata().get("prefill");
        assertThat(prefill).hasSize(11);
        Map<?, ?> first = (Map<?, ?>) prefill.get(0);
        Map<?, ?> second = (Map<?, ?>) prefill.get(1);
        assertThat(first.get("id")).isEqualTo(17934L);
        assertThat(first.get("text")).isEqualTo("Pour");
        assertThat(first.containsKey("logprob")).isTrue();
        assertThat(first.get("logprob")).isNull();
        assertThat(second.get("text")).isEqualTo(" dég");
        assertThat(second.get("logprob")).isEqualTo(-10.5703125);
        assertThat(msg.usage()).isEqualTo(new Usage(11, 10, 21));
        // top_tokens is null: no alternatives, and the chosen tokens keep their logprobs
        assertThat(msg.logprobs().content().get(4).token()).isEqualTo(" à");
        assertThat(msg.logprobs().content().get(4).topLogprobs()).isEmpty();
        assertThat(msg.logprobs().totalLogprob()).isEqualTo(
                -1.6318359 - 2.4882812 - 2.4355469 + 0.0 - 2.4472656 - 1.1972656 - 1.7890625 + 0.0 + 0.0 - 1.9335938);
    }

    @Test
    void streamsSendGenerateStreamWithoutDecoderInputDetails() throws Exception {
        server.route("POST", "/generate_stream", Reply.streamed("text/event-stream", fixture("generate-stream.sse")));
        ChatModel model = builder().promptLogprobs(true).build()
                .bind(ChatOptions.builder().logprobs(true).topLogprobs(2).build());

        AIMessageChunk full = model.stream("x").aggregate();

        assertThat(server.onlyRequest().path()).isEqualTo("/generate_stream");
        assertThat(sent(0).get("parameters").has("decoder_input_details")).isFalse();
        assertThat(sent(0).get("stream").asBoolean()).isTrue();
        assertThat(full.content()).isEqualTo(" le faire fondre à la casserole avec");
        assertThat(full.logprobs().size()).isEqualTo(10);
        assertThat(full.finishReason()).isEqualTo("length");
        assertThat(full.usage()).isEqualTo(new Usage(0, 10, 10));
    }

    @Test
    void specialEndOfSequenceTokenIsLeftOutAndEosTokenMeansStop() {
        server.route("POST", "/generate_stream", Reply.streamed("text/event-stream", fixture("stream-eos.sse")));

        AIMessageChunk full = builder().build().bind(ChatOptions.builder().logprobs(true).build()).stream("hi").aggregate();

        assertThat(full.content()).isEqualTo("Hello");
        assertThat(full.logprobs().content()).extracting(TokenLogprob::token).containsExactly("Hello");
        assertThat(full.finishReason()).isEqualTo("stop");
        assertThat(full.usage()).isEqualTo(new Usage(0, 2, 2));
    }

    @Test
    void errorEventInsideTheStreamBecomesProviderException() {
        server.route("POST", "/generate_stream", Reply.streamed("text/event-stream", fixture("stream-error.sse")));

        assertThatThrownBy(() -> builder().build().stream("hi").aggregate())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.type()).isEqualTo("generation");
                    assertThat(e.providerMessage()).isEqualTo("Request failed during generation: Server error: CUDA out of memory");
                });
    }

    @Test
    void moreAlternativesThanTheServerCapFailBeforeAnyRequest() {
        ChatModel model = builder().maxTopNTokens(3).build();

        assertThatThrownBy(() -> model.bind(ChatOptions.builder().logprobs(true).topLogprobs(4).build()).invoke("x"))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                        e -> assertThat(e.capability()).isEqualTo("top_logprobs"));
        assertThat(model.capabilities().maxTopLogprobs()).isEqualTo(3);
        assertThat(TgiChatModel.builder().build().capabilities().maxTopLogprobs()).isEqualTo(5);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void withoutLogprobsTheAnswerHasNone() throws Exception {
        server.route("POST", "/generate", Reply.json(fixture("generate.json")));

        AIMessage msg = builder().build().invoke("x");

        assertThat(msg.hasLogprobs()).isFalse();
        assertThat(sent(0).get("parameters").has("top_n_tokens")).isFalse();
    }
}
