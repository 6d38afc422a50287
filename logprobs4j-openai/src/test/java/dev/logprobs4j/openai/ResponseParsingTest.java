package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Choice;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Responses parsed by the streaming parser equal databind's independent reading of the same fixture. */
class ResponseParsingTest {

    private final OpenAiServer server = new OpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChatModel llm() {
        return server.model().build().bind(ChatOptions.builder().logprobs(true).topLogprobs(2).build());
    }

    /** The fixture's logprobs content, read by databind. */
    static void assertTokensEqual(List<TokenLogprob> parsed, JsonNode expected) {
        assertThat(parsed).hasSize(expected.size());
        for (int i = 0; i < parsed.size(); i++) {
            TokenLogprob t = parsed.get(i);
            JsonNode e = expected.get(i);
            assertThat(t.token()).isEqualTo(e.get("token").asText());
            assertThat(t.logprob()).isEqualTo(e.get("logprob").asDouble());
            assertThat(t.bytes()).isEqualTo(bytes(e.get("bytes")));
            JsonNode top = e.get("top_logprobs");
            assertThat(t.topLogprobs()).hasSize(top.size());
            for (int j = 0; j < top.size(); j++) {
                TopLogprob a = t.topLogprobs().get(j);
                assertThat(a.token()).isEqualTo(top.get(j).get("token").asText());
                assertThat(a.logprob()).isEqualTo(top.get(j).get("logprob").asDouble());
                assertThat(a.bytes()).isEqualTo(bytes(top.get(j).get("bytes")));
            }
        }
    }

    static byte[] bytes(JsonNode array) {
        if (array == null || array.isNull()) {
            return null;
        }
        byte[] b = new byte[array.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) array.get(i).asInt();
        }
        return b;
    }

    @Test
    void apiReferenceExampleParsesToTheDocumentedValues() {
        server.replyFixture("reference-logprobs.json");

        AIMessage msg = llm().invoke("Hello!");

        JsonNode doc = Fixtures.tree("reference-logprobs.json");
        assertTokensEqual(msg.logprobs().content(), doc.get("choices").get(0).get("logprobs").get("content"));
        // A few values straight from the reference page, including the null bytes of '<|end|>' and an exponent.
        assertThat(msg.logprobs().content().get(0).topLogprobs().get(1)).isEqualTo(new TopLogprob("Hi", new byte[] {72, 105}, -1.3190403));
        assertThat(msg.logprobs().content().get(2).topLogprobs().get(1)).isEqualTo(new TopLogprob("<|end|>", null, -10.953937));
        assertThat(msg.logprobs().content().get(4).logprob()).isEqualTo(-3.7697225e-6);
        assertThat(msg.logprobs().refusal()).isNull();
        assertThat(msg.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(msg.finishReason()).isEqualTo("stop");
        assertThat(msg.info().id()).isEqualTo("chatcmpl-123");
        assertThat(msg.info().model()).isEqualTo("gpt-4o-mini");
        assertThat(msg.info().systemFingerprint()).isNull();
        assertThat(msg.usage()).isEqualTo(new dev.logprobs4j.Usage(9, 9, 18));
        assertThat(msg.info().extra()).containsEntry("completion_tokens_details",
                Map.of("reasoning_tokens", 0L, "accepted_prediction_tokens", 0L, "rejected_prediction_tokens", 0L));
        assertThat(msg.info().extra()).containsEntry("created", 1702685778L);
        assertThat(msg.raw()).isEqualTo(Fixtures.text("reference-logprobs.json"));
    }

    @Test
    void nEqualsTwoGivesBothChoicesWhetherStreamedOrNot() {
        server.replyFixture("n2.json");
        server.replyFixture("n2-stream.sse");
        OpenAiChatModel llm = server.model().build().bind(ChatOptions.builder().logprobs(true).n(2).build());

        AIMessage invoked = llm.invoke("Hello!");
        AIMessageChunk streamed = llm.stream("Hello!").aggregate();

        JsonNode doc = Fixtures.tree("n2.json");
        assertThat(invoked.choices()).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Choice c = invoked.choices().get(i);
            assertThat(c.index()).isEqualTo(i);
            assertThat(c.content()).isEqualTo(doc.get("choices").get(i).get("message").get("content").asText());
            assertTokensEqual(c.logprobs().content(), doc.get("choices").get(i).get("logprobs").get("content"));
        }
        assertThat(streamed.choices()).isEqualTo(invoked.choices());
        assertThat(streamed.usage()).isEqualTo(invoked.usage());
        assertThat(Fixtures.parse(server.requests().get(1).bodyText()).get("n").asInt()).isEqualTo(2);
    }

    @Test
    void refusalKeepsItsTextAndRefusalLogprobs() {
        server.replyFixture("refusal.json");

        AIMessage msg = llm().invoke("something refused");

        JsonNode choice = Fixtures.tree("refusal.json").get("choices").get(0);
        assertThat(msg.refusal()).isEqualTo("I'm sorry, I cannot assist with that request.");
        assertThat(msg.content()).isEmpty();
        assertThat(msg.hasLogprobs()).isTrue();
        assertThat(msg.logprobs().content()).isEmpty();
        assertTokensEqual(msg.logprobs().refusal(), choice.get("logprobs").get("refusal"));
        StringBuilder joined = new StringBuilder();
        msg.logprobs().refusal().forEach(t -> joined.append(t.token()));
        assertThat(joined.toString()).isEqualTo(msg.refusal());
        @SuppressWarnings("unchecked")
        Map<String, Object> logprobs = (Map<String, Object>) msg.responseMetadata().get("logprobs");
        assertThat(logprobs).containsKeys("content", "refusal");
    }

    @Test
    void usageOnlyLastChunkHasNoChoicesAndTheUsage() {
        server.replyFixture("reference-logprobs-stream.sse");
        List<AIMessageChunk> chunks = new java.util.ArrayList<>();
        llm().stream("Hello!").forEach(chunks::add);

        AIMessageChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).isEqualTo(new dev.logprobs4j.Usage(9, 9, 18));
        assertThat(last.info().extra()).containsKey("completion_tokens_details");
        AIMessageChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.finishReason()).isEqualTo("stop");
        assertThat(finish.hasLogprobs()).isFalse();
        assertThat(chunks.stream().filter(c -> c.usage() != null)).hasSize(1);
    }

    @Test
    void serverIgnoringStreamTrueStillStreamsItsWholeAnswerAsOneChunk() {
        server.replyFixture("reference-logprobs.json");
        AIMessageChunk full = llm().stream("Hello!").aggregate();
        assertThat(full.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(full.logprobs().size()).isEqualTo(9);
    }
}
