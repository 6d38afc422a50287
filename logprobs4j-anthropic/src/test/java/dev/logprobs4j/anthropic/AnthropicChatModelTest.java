package dev.logprobs4j.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import dev.logprobs4j.testkit.Fixtures;
import dev.logprobs4j.testkit.RecordedRequest;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic: no logprobs (refused before any request), otherwise a plain chat model. It cannot
 * extend the testkit's ProviderContractTest, whose checks need logprobs; the contract's
 * "fails before any request" and error checks are pinned here.
 */
class AnthropicChatModelTest {

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
        return Fixtures.bytes(AnthropicChatModelTest.class, "/fixtures/anthropic/" + name);
    }

    private ChatModel model() {
        return AnthropicChatModel.builder().baseUrl(server.baseUrl()).apiKey("sk-ant-test").model("claude-3-7-sonnet-20250219").build();
    }

    @Test
    void capabilitiesSayNoLogprobs() {
        assertThat(model().capabilities()).isEqualTo(Capabilities.NONE);
    }

    @Test
    void logprobsFailBeforeAnyRequestForInvokeStreamAndAsync() {
        ChatModel wants = model().bind(ChatOptions.builder().logprobs(true).build());

        assertThatThrownBy(() -> wants.invoke("hi")).isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
            assertThat(e.capability()).isEqualTo("logprobs");
            assertThat(e.model()).isEqualTo("claude-3-7-sonnet-20250219");
        });
        assertThatThrownBy(() -> wants.stream("hi")).isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(wants.invokeAsync(Message.human("hi"))).isCompletedExceptionally();
        assertThatThrownBy(() -> model().invoke(List.of(Message.human("hi")),
                ChatOptions.builder().logprobs(true).topLogprobs(2).build()))
                .isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void seedAndSeveralAnswersFailBeforeAnyRequest() {
        assertThatThrownBy(() -> model().bind(ChatOptions.builder().seed(1L).build()).invoke("hi"))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo("seed"));
        assertThatThrownBy(() -> model().bind(ChatOptions.builder().n(2).build()).stream("hi"))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo("n"));
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void invokeSendsHeadersSystemAndOptionsAndReadsTextUsageAndStopReason() throws Exception {
        server.route("POST", "/v1/messages", Reply.json(fixture("message.json")));
        ChatOptions options = ChatOptions.builder().temperature(0.2).topP(0.9).stop("END").maxTokens(600)
                .extra("top_k", 5).build();

        AIMessage msg = model().bind(options).invoke(Message.system("Be kind."), Message.human("Hello"),
                Message.ai("Hi."), Message.human("Your name?"));

        RecordedRequest sent = server.onlyRequest();
        assertThat(sent.path()).isEqualTo("/v1/messages");
        assertThat(sent.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(sent.header("anthropic-version")).isEqualTo("2023-06-01");
        JsonNode body = JSON.readTree(sent.bodyText());
        assertThat(body.get("model").asText()).isEqualTo("claude-3-7-sonnet-20250219");
        assertThat(body.get("max_tokens").asInt()).isEqualTo(600);
        assertThat(body.get("system").asText()).isEqualTo("Be kind.");
        assertThat(body.get("messages")).hasSize(3);
        assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("assistant");
        assertThat(body.get("messages").get(2).get("content").asText()).isEqualTo("Your name?");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("stop_sequences").get(0).asText()).isEqualTo("END");
        assertThat(body.get("top_k").asInt()).isEqualTo(5);
        assertThat(body.has("stream")).isFalse();
        assertThat(body.has("logprobs")).isFalse();

        assertThat(msg.content()).isEqualTo("Hi! My name is Claude.");
        assertThat(msg.finishReason()).isEqualTo("stop");
        assertThat(msg.usage()).isEqualTo(new Usage(2095, 503, 2598));
        assertThat(msg.info().id()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
        assertThat(msg.info().model()).isEqualTo("claude-3-7-sonnet-20250219");
        assertThat(msg.hasLogprobs()).isFalse();
        assertThat(msg.responseMetadata()).containsEntry("stop_reason", "end_turn").containsEntry("logprobs", null);
    }

    @Test
    void defaultMaxTokensIsSentWhenTheCallSetsNone() throws Exception {
        server.route("POST", "/v1/messages", Reply.json(fixture("message-max-tokens.json")));

        AIMessage msg = model().invoke("Hello");

        assertThat(JSON.readTree(server.onlyRequest().bodyText()).get("max_tokens").asInt()).isEqualTo(1024);
        assertThat(msg.finishReason()).isEqualTo("length");
        assertThat(msg.usage()).isEqualTo(new Usage(12, 1, 13));
    }

    @Test
    void streamGivesTextChunksAndOneUsageThatAddUp() throws Exception {
        server.route("POST", "/v1/messages", Reply.streamed("text/event-stream", fixture("message-stream.sse")));

        List<AIMessageChunk> chunks = new ArrayList<>();
        try (ChatStream stream = model().stream("Hello")) {
            stream.forEach(chunks::add);
        }

        assertThat(JSON.readTree(server.onlyRequest().bodyText()).get("stream").asBoolean()).isTrue();
        assertThat(chunks).extracting(AIMessageChunk::content).containsExactly("", "Hello", "!", "");
        assertThat(chunks).allSatisfy(c -> assertThat(c.hasLogprobs()).isFalse());
        AIMessage full = chunks.stream().reduce(AIMessageChunk.empty(), AIMessageChunk::add).toMessage();
        assertThat(full.content()).isEqualTo("Hello!");
        assertThat(full.finishReason()).isEqualTo("stop");
        assertThat(full.usage()).isEqualTo(new Usage(25, 15, 40));
        assertThat(full.info().id()).isEqualTo("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
        assertThat(full.info().model()).isEqualTo("claude-3-5-sonnet-20241022");
        assertThat(full.responseMetadata()).containsEntry("stop_reason", "end_turn");
    }

    @Test
    void errorBodyBecomesProviderException() {
        server.route("POST", "/v1/messages", Reply.of(404, "application/json", fixture("error-not-found.json")));

        assertThatThrownBy(() -> model().invoke("Hello")).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.type()).isEqualTo("not_found_error");
            assertThat(e.providerMessage()).isEqualTo("The requested resource could not be found.");
            assertThat(e.body()).isEqualTo(new String(fixture("error-not-found.json"), StandardCharsets.UTF_8));
            assertThat(e.getMessage()).doesNotContain("sk-ant-test");
        });
    }

    @Test
    void errorEventInsideTheStreamBecomesProviderException() {
        server.route("POST", "/v1/messages", Reply.streamed("text/event-stream", fixture("stream-overloaded.sse")));

        assertThatThrownBy(() -> model().stream("Hello").aggregate()).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.status()).isZero();
            assertThat(e.type()).isEqualTo("overloaded_error");
            assertThat(e.providerMessage()).isEqualTo("Overloaded");
        });
    }

    @Test
    void streamCutBeforeMessageStopCarriesWhatArrived() {
        server.route("POST", "/v1/messages",
                Reply.streamed("text/event-stream", fixture("message-stream.sse")).cutAfterLines(12));

        // The JDK client may report the cut before handing over the last bytes it received, so what
        // arrived is "Hello" or less; it must never be more, nor a different exception.
        assertThatThrownBy(() -> model().stream("Hello").aggregate())
                .isInstanceOfSatisfying(IncompleteStreamException.class, e -> {
                    assertThat(e.partial().content()).isIn("", "Hello");
                    assertThat(e.partial().finishReason()).isNull();
                    assertThat(e.partial().usage()).isNull();
                });
    }

    @Test
    void missingApiKeyOrModelIsABuildError() {
        assertThatThrownBy(() -> AnthropicChatModel.builder().model("m").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("apiKey");
        assertThatThrownBy(() -> AnthropicChatModel.builder().apiKey("k").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("model");
    }
}
