package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What goes on the wire: path, headers and body fields. */
class RequestTest {

    private final OpenAiServer server = new OpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode sentBody(int i) {
        return Fixtures.parse(server.requests().get(i).bodyText());
    }

    @Test
    void everyTypedOptionAndExtraFieldIsSentByItsWireName() {
        server.replyFixture("reference-logprobs.json");
        ChatOptions options = ChatOptions.builder().logprobs(true).topLogprobs(2).temperature(0.5).topP(0.9).seed(42L)
                .maxTokens(64).stop("\n\n", "END").n(1).extra("user", "u-1").extra("logit_bias", Map.of("50256", -100)).build();

        server.model().build().invoke(List.of(Message.system("be brief"), Message.human("Hello!"), Message.ai("Hi"),
                Message.human("again")), options);

        JsonNode body = sentBody(0);
        assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"Hello!\"},{\"role\":\"assistant\",\"content\":\"Hi\"},{\"role\":\"user\",\"content\":\"again\"}]");
        assertThat(body.get("logprobs").asBoolean()).isTrue();
        assertThat(body.get("top_logprobs").asInt()).isEqualTo(2);
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("seed").asLong()).isEqualTo(42);
        assertThat(body.get("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("max_completion_tokens")).isFalse();
        assertThat(body.get("stop").toString()).isEqualTo("[\"\\n\\n\",\"END\"]");
        assertThat(body.get("n").asInt()).isEqualTo(1);
        assertThat(body.get("user").asText()).isEqualTo("u-1");
        assertThat(body.get("logit_bias").get("50256").asInt()).isEqualTo(-100);
        assertThat(server.requests().get(0).header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void responseFormatIsSentInOpenAisShape() {
        server.replyFixture("reference-logprobs.json");
        ChatOptions options = ChatOptions.builder().responseFormat(dev.logprobs4j.ResponseFormat.jsonSchema("person",
                Map.of("type", "object", "properties", Map.of("age", Map.of("type", "integer"))))).build();
        server.model().build().invoke(List.of(Message.human("x")), options);
        assertThat(sentBody(0).get("response_format")).isEqualTo(Fixtures.parse("{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"person\",\"schema\":{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"}}}}}"));
    }

    @Test
    void unsetOptionsAreNotSent() {
        server.replyFixture("reference-logprobs.json");
        server.model().build().invoke("Hello!");
        assertThat(names(sentBody(0))).containsExactly("model", "messages");
    }

    @Test
    void maxCompletionTokensFieldIsChosenInTheBuilder() {
        server.replyFixture("reference-logprobs.json");
        server.model().maxCompletionTokensField(true).build().invoke(List.of(Message.human("x")), ChatOptions.builder().maxTokens(7).build());
        assertThat(sentBody(0).get("max_completion_tokens").asInt()).isEqualTo(7);
        assertThat(sentBody(0).has("max_tokens")).isFalse();
    }

    @Test
    void bindLeavesTheOriginalUntouchedAndCallOptionsOverrideBoundOnes() {
        server.replyFixture("reference-logprobs.json").replyFixture("reference-logprobs.json").replyFixture("reference-logprobs.json");
        OpenAiChatModel base = server.model().build();
        OpenAiChatModel bound = base.bind(ChatOptions.builder().logprobs(true).topLogprobs(2).temperature(0.0).build());

        bound.invoke(List.of(Message.human("a")), ChatOptions.builder().topLogprobs(5).build());
        base.invoke("b");
        bound.invoke("c");

        assertThat(base.boundOptions()).isEqualTo(ChatOptions.NONE);
        assertThat(bound).isNotSameAs(base);
        assertThat(sentBody(0).get("top_logprobs").asInt()).isEqualTo(5);
        assertThat(sentBody(0).get("logprobs").asBoolean()).isTrue();
        assertThat(sentBody(0).get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(sentBody(1).has("logprobs")).isFalse();
        assertThat(sentBody(1).has("top_logprobs")).isFalse();
        assertThat(sentBody(2).get("top_logprobs").asInt()).isEqualTo(2);
    }

    @Test
    void organizationProjectAndExtraHeadersAreSent() {
        server.replyFixture("reference-logprobs.json");
        server.model().organization("org-1").project("proj-2").header("X-Trace", "t-3").build().invoke("x");
        var request = server.onlyRequest();
        assertThat(request.header("OpenAI-Organization")).isEqualTo("org-1");
        assertThat(request.header("OpenAI-Project")).isEqualTo("proj-2");
        assertThat(request.header("X-Trace")).isEqualTo("t-3");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-SECRET-1234");
    }

    @Test
    void azureSendsTheKeyAsApiKeyHeaderToTheDeploymentWithApiVersion() {
        server.replyFixture("reference-logprobs.json");
        String endpoint = server.baseUrl().replace("/v1", "");
        OpenAiChatModel azure = OpenAiChatModel.builder().azure(endpoint, "my-gpt4o", "2024-10-21").apiKey("azure-KEY-999")
                .env(n -> null).build();

        azure.invoke("x");

        var request = server.onlyRequest();
        assertThat(request.uri()).isEqualTo("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21");
        assertThat(request.header("api-key")).isEqualTo("azure-KEY-999");
        assertThat(request.header("Authorization")).isNull();
        assertThat(azure.modelName()).isEqualTo("my-gpt4o");
    }

    @Test
    void keyComesFromTheEnvironmentByDefault() {
        server.replyFixture("reference-logprobs.json");
        OpenAiChatModel.builder().model("m").baseUrl(server.baseUrl()).env(n -> n.equals("OPENAI_API_KEY") ? "sk-from-env" : null)
                .build().invoke("x");
        assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer sk-from-env");
    }

    @Test
    void localServersNeedNoKeyButOpenAiDoes() {
        server.replyFixture("reference-logprobs.json");
        OpenAiChatModel.builder().model("m").baseUrl(server.baseUrl()).env(n -> null).build().invoke("x");
        assertThat(server.onlyRequest().header("Authorization")).isNull();

        assertThatThrownBy(() -> OpenAiChatModel.builder().model("gpt-4o-mini").env(n -> null).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no API key for https://api.openai.com/v1: set the OPENAI_API_KEY environment variable or call apiKey(...)");
        assertThatThrownBy(() -> OpenAiChatModel.builder().apiKey("k").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("model must be set, e.g. OpenAiChatModel.builder().model(\"gpt-4o-mini\")");
        assertThatThrownBy(() -> OpenAiChatModel.builder().model("m").baseUrl("ftp://x/v1").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("baseUrl must be an http:// or https:// URL such as https://api.openai.com/v1, was ftp://x/v1");
    }

    @Test
    void theKeyIsNeverInToString() {
        OpenAiChatModel model = server.model().build();
        assertThat(model.toString()).doesNotContain("SECRET").contains("apiKey=(set)").contains("model=gpt-4o-mini");
        assertThat(model.bind(ChatOptions.builder().logprobs(true).build()).toString()).doesNotContain("SECRET");
        assertThat(model.toBuilder().toString()).doesNotContain("SECRET");
    }

    @Test
    void defaultCapabilitiesAreOpenAisAndCanBeOverridden() {
        OpenAiChatModel model = server.model().build();
        assertThat(model.capabilities().logprobs()).isTrue();
        assertThat(model.capabilities().maxTopLogprobs()).isEqualTo(20);
        assertThat(model.capabilities().streamingLogprobs()).isTrue();
        assertThat(model.capabilities().promptLogprobs()).isFalse();
        assertThat(server.model().capabilities(dev.logprobs4j.Capabilities.NONE).build().capabilities().logprobs()).isFalse();
    }

    @Test
    void extraFieldsCannotOverrideWhatTheClientSets() {
        assertThatThrownBy(() -> server.model().build().invoke(List.of(Message.human("x")),
                ChatOptions.builder().extra("stream", true).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extra option 'stream' is set by the client itself; remove it (streaming is chosen by calling stream(...) or invoke(...))");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void streamUsageCanBeTurnedOffForServersThatRejectIt() {
        server.replyFixture("guide-stream.sse");
        server.model().streamUsage(false).build().stream("x").aggregate();
        JsonNode body = sentBody(0);
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.has("stream_options")).isFalse();
    }

    @Test
    void invokeAsyncAnswersLikeInvoke() throws Exception {
        server.replyFixture("reference-logprobs.json");
        assertThat(server.model().build().invokeAsync(Message.human("x")).get().logprobs().size()).isEqualTo(9);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
