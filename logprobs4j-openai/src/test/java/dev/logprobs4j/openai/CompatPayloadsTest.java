package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import dev.logprobs4j.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAiChatModel reads the OpenAI-compatible servers' own payloads (TGI's Messages API, DeepSeek,
 * llama.cpp server) into the same typed logprobs, quirks included, and turns DeepSeek's run-time
 * refusal of logprobs into an UnsupportedCapabilityException. Values are read off the fixtures.
 */
class CompatPayloadsTest {

    private final OpenAiServer server = new OpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private ChatModel llm(String model) {
        return server.model().model(model).build().bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
    }

    @Test
    void tgiPayloadWithIntegerZeroLogprobsAndNoBytesParses() {
        server.replyFixture("compat/tgi-chat.json");

        AIMessage msg = llm("tgi").invoke("What is Deep Learning?");

        // TGI quirks: "logprob": 0 written as an integer, no "bytes" at all, id "", object "text_completion".
        assertThat(msg.logprobs().content()).containsExactly(
                new TokenLogprob("Deep", null, 0.0, List.of(new TopLogprob("Deep", null, 0.0))));
        assertThat(msg.content()).isEqualTo("Deep");
        assertThat(msg.finishReason()).isEqualTo("length");
        assertThat(msg.info().id()).isEmpty();
        assertThat(msg.info().model()).isEqualTo("/data/models--meta-llama--Meta-Llama-3-8B-Instruct/snapshots/e1945c40cd546c78e41f1151f4db032b271faeaa");
        assertThat(msg.info().systemFingerprint()).isEqualTo("2.0.4-sha-f426a33");
        assertThat(msg.usage()).isEqualTo(new Usage(15, 1, 16));
        @SuppressWarnings("unchecked")
        var entry = (java.util.Map<String, Object>) ((List<?>) ((java.util.Map<?, ?>) msg.responseMetadata().get("logprobs")).get("content")).get(0);
        assertThat(entry).containsEntry("bytes", null).containsEntry("logprob", 0.0);
    }

    @Test
    void tgiGemmaPayloadHasEmptyTopLogprobsWhenNoneWereAsked() {
        server.replyFixture("compat/tgi-chat-gemma.json");

        AIMessage msg = server.model().model("tgi").build().bind(ChatOptions.builder().logprobs(true).build()).invoke("What is deep learning?");

        assertThat(msg.logprobs().size()).isEqualTo(10);
        assertThat(msg.logprobs().content().subList(0, 3)).containsExactly(new TokenLogprob("**", null, -0.22558594),
                new TokenLogprob("Deep", null, -0.0014877319), new TokenLogprob(" learning", null, -0.12695312));
        assertThat(msg.logprobs().content().get(9).logprob()).isEqualTo(-0.00002348423);
        assertThat(msg.content()).isEqualTo("**Deep learning** is a subset of machine learning");
        assertThat(msg.info().model()).isEqualTo("google/gemma-2b-it");
    }

    @Test
    void deepSeekPayloadKeepsItsMinus9999MarkerAndCacheUsageFields() {
        server.replyFixture("compat/deepseek-chat.json");

        AIMessage msg = llm("deepseek-chat").invoke("Answer with only the number: 2048 divided by 128 is");

        assertThat(msg.logprobs().content()).containsExactly(new TokenLogprob("15", new byte[] {49, 53}, 0.0),
                new TokenLogprob(".", new byte[] {46}, -9999.0));
        assertThat(msg.logprobs().unknownCount()).isEqualTo(1);
        assertThat(msg.logprobs().totalLogprob()).isEqualTo(0.0);
        assertThat(msg.content()).isEqualTo("15.");
        assertThat(msg.usage()).isEqualTo(new Usage(18, 2, 20));
        assertThat(msg.info().extra()).containsKey("prompt_tokens_details");
        assertThat(msg.info().systemFingerprint()).isEqualTo("fp_ffc7281d48_prod0820_fp8_kvcache");
    }

    @Test
    void llamaCppPayloadWithTokenIdsParsesToTheSameShape() {
        server.replyFixture("compat/llamacpp-chat.json");

        AIMessage msg = llm("gpt-3.5-turbo").invoke("hi");

        // llama.cpp adds "id" (the token id) to every entry; it is skipped, the rest is OpenAI's shape.
        assertThat(msg.logprobs().content().get(0)).isEqualTo(new TokenLogprob(",", new byte[] {44}, 0.0, List.of(
                new TopLogprob(",", new byte[] {44}, 0.0), new TopLogprob(".", new byte[] {46}, -17.25),
                new TopLogprob("\n", new byte[] {10}, -18.0))));
        assertThat(msg.logprobs().content().get(1).token()).isEqualTo(" i");
        assertThat(msg.logprobs().content().get(1).logprob()).isEqualTo(-0.6931471824645996);
        assertThat(msg.logprobs().size()).isEqualTo(5);
        StringBuilder joined = new StringBuilder();
        msg.logprobs().content().forEach(t -> joined.append(t.token()));
        assertThat(joined.toString()).isEqualTo(msg.content()).isEqualTo(", i am here to");
        assertThat(msg.info().systemFingerprint()).isEqualTo("b4301-6c5bc062");
        assertThat(msg.usage()).isEqualTo(new Usage(10, 5, 15));
    }

    @Test
    void deepSeekReasonerRefusingLogprobsIsUnsupportedCapabilityWithTheProvidersMessage() {
        server.reply(OpenAiServer.fixture(400, "compat/deepseek-reasoner-logprobs-400.json"));

        UnsupportedCapabilityException e = catchThrowableOfType(UnsupportedCapabilityException.class,
                () -> llm("deepseek-reasoner").invoke("9.11 and 9.8, which is greater?"));

        assertThat(e.capability()).isEqualTo("logprobs");
        assertThat(e.model()).isEqualTo("deepseek-reasoner");
        assertThat(e.providerMessage()).isEqualTo("deepseek-reasoner does not support the parameter `logprobs`");
        assertThat(e.getMessage()).isEqualTo("deepseek-reasoner refused logprobs at run time (HTTP 400): deepseek-reasoner does not"
                + " support the parameter `logprobs`; remove logprobs(true)/topLogprobs(...) for this model, or give it capabilities"
                + " without logprobs");
        assertThat(e.getCause()).isInstanceOfSatisfying(ProviderException.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.type()).isEqualTo("invalid_request_error");
            assertThat(p.body()).isEqualTo(Fixtures.text("compat/deepseek-reasoner-logprobs-400.json"));
        });
        assertThat(server.requests()).hasSize(1);
        assertThat(Fixtures.parse(server.onlyRequest().bodyText()).get("logprobs").asBoolean()).isTrue();
    }

    @Test
    void deepSeekReasonerRefusalAlsoEndsAStreamBeforeItBegins() {
        server.reply(OpenAiServer.fixture(400, "compat/deepseek-reasoner-logprobs-400.json"));

        UnsupportedCapabilityException e = catchThrowableOfType(UnsupportedCapabilityException.class,
                () -> llm("deepseek-reasoner").stream("hi"));

        assertThat(e.providerMessage()).isEqualTo("deepseek-reasoner does not support the parameter `logprobs`");
    }

    @Test
    void otherBadRequestsAboutLogprobsStayProviderExceptions() {
        // OpenAI's "integer above maximum value" names top_logprobs but the model has the capability.
        server.reply(OpenAiServer.fixture(400, "error-400.json"));
        server.reply(Reply.of(400, "application/json", ("{\"error\":{\"message\":\"deepseek-reasoner does not support the parameter"
                + " `presence_penalty`\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_request_error\"}}")
                .getBytes(StandardCharsets.UTF_8)));

        assertThat(catchThrowableOfType(ProviderException.class, () -> llm("gpt-4o-mini").invoke("hi")).param()).isEqualTo("top_logprobs");
        assertThat(catchThrowableOfType(ProviderException.class, () -> llm("deepseek-reasoner").invoke("hi")).providerMessage())
                .isEqualTo("deepseek-reasoner does not support the parameter `presence_penalty`");
    }
}
