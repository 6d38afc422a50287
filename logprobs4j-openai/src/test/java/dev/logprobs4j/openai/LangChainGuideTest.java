package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Json;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LangChain's "How to get log probabilities" guide, reproduced in Java against replayed payloads:
 * the expected values are the ones the guide prints.
 */
class LangChainGuideTest {

    private final OpenAiServer server = new OpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private ChatModel llm() {
        return server.model().build().bind(ChatOptions.builder().logprobs(true).build());
    }

    @Test
    void invokeWithLogprobsGivesTheGuidesFirstFiveContentEntries() {
        server.replyFixture("guide-invoke.json");

        AIMessage msg = llm().invoke(Message.human("how are you today"));

        // The guide's output: [{'token': 'I', 'bytes': [73], 'logprob': -0.26341408, 'top_logprobs': []}, ...]
        List<TokenLogprob> first5 = msg.logprobs().content().subList(0, 5);
        assertThat(first5).containsExactly(
                new TokenLogprob("I", new byte[] {73}, -0.26341408),
                new TokenLogprob("'m", new byte[] {39, 109}, -0.48584133),
                new TokenLogprob(" just", new byte[] {32, 106, 117, 115, 116}, -0.23484154),
                new TokenLogprob(" a", new byte[] {32, 97}, -0.0018291725),
                new TokenLogprob(" computer", new byte[] {32, 99, 111, 109, 112, 117, 116, 101, 114}, -0.052299336));
        assertThat(Json.write(((java.util.Map<?, ?>) msg.responseMetadata().get("logprobs")).get("content")))
                .startsWith("[{\"token\": \"I\", \"bytes\": [73], \"logprob\": -0.26341408, \"top_logprobs\": []}, "
                        + "{\"token\": \"'m\", \"bytes\": [39, 109], \"logprob\": -0.48584133, \"top_logprobs\": []}, "
                        + "{\"token\": \" just\", \"bytes\": [32, 106, 117, 115, 116], \"logprob\": -0.23484154, \"top_logprobs\": []}, "
                        + "{\"token\": \" a\", \"bytes\": [32, 97], \"logprob\": -0.0018291725, \"top_logprobs\": []}, "
                        + "{\"token\": \" computer\", \"bytes\": [32, 99, 111, 109, 112, 117, 116, 101, 114], \"logprob\": -0.052299336, \"top_logprobs\": []}, ");
        assertThat(msg.content()).startsWith("I'm just a computer");

        // The request: the guide's message with logprobs=True, to /v1/chat/completions with the key as a Bearer token.
        RecordedRequest request = server.onlyRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-SECRET-1234");
        JsonNode body = Fixtures.parse(request.bodyText());
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"how are you today\"}]");
        assertThat(body.get("logprobs").asBoolean()).isTrue();
        assertThat(body.has("stream")).isFalse();
    }

    @Test
    void streamPrintsEmptyThenOneTwoThreeFourEntriesLikeTheGuide() {
        server.reply(OpenAiServer.eventByEvent(OpenAiServer.fixture(200, "guide-stream.sse")));

        // The guide's loop: for chunk in llm.stream(...): if ct < 5: full = chunk if full is None else full + chunk; print(...)
        List<String> printed = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        AIMessageChunk full = null;
        int ct = 0;
        try (ChatStream stream = llm().stream(Message.human("how are you today"))) {
            for (AIMessageChunk chunk : stream) {
                if (ct >= 5) {
                    break;
                }
                full = full == null ? chunk : full.add(chunk);
                printed.add(Json.write(full.responseMetadata().get("logprobs")));
                sizes.add(full.logprobs().size());
                ct++;
            }
        }

        assertThat(sizes).containsExactly(0, 1, 2, 3, 4);
        // The guide's printed lines, with Python's quoting written as JSON, inside OpenAI's {"content": ...}.
        String i = "{\"token\": \"I\", \"bytes\": [73], \"logprob\": -0.26593843, \"top_logprobs\": []}";
        String m = "{\"token\": \"'m\", \"bytes\": [39, 109], \"logprob\": -0.3238896, \"top_logprobs\": []}";
        String just = "{\"token\": \" just\", \"bytes\": [32, 106, 117, 115, 116], \"logprob\": -0.23778509, \"top_logprobs\": []}";
        String a = "{\"token\": \" a\", \"bytes\": [32, 97], \"logprob\": -0.0022134194, \"top_logprobs\": []}";
        assertThat(printed).containsExactly(
                "{\"content\": []}",
                "{\"content\": [" + i + "]}",
                "{\"content\": [" + i + ", " + m + "]}",
                "{\"content\": [" + i + ", " + m + ", " + just + "]}",
                "{\"content\": [" + i + ", " + m + ", " + just + ", " + a + "]}");

        JsonNode body = Fixtures.parse(server.onlyRequest().bodyText());
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
        assertThat(body.get("logprobs").asBoolean()).isTrue();
        assertThat(server.onlyRequest().header("Accept")).isEqualTo("text/event-stream");
    }

    @Test
    void wholeGuideStreamAddsUpToTheWholeAnswerWithUsageFromTheLastChunk() {
        server.replyFixture("guide-stream.sse");
        List<AIMessageChunk> chunks = new ArrayList<>();
        try (ChatStream stream = llm().stream("how are you today")) {
            stream.forEach(chunks::add);
        }
        List<JsonNode> events = Fixtures.events("guide-stream.sse");
        assertThat(chunks).hasSize(events.size());
        AIMessageChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().totalTokens()).isEqualTo(events.get(events.size() - 1).get("usage").get("total_tokens").asLong());
        assertThat(chunks.get(0).hasLogprobs()).isTrue();
        assertThat(chunks.get(0).logprobs().content()).isEmpty();

        AIMessageChunk full = chunks.stream().reduce(AIMessageChunk.empty(), AIMessageChunk::add);
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        for (JsonNode e : events) {
            for (JsonNode c : e.get("choices")) {
                text.append(c.get("delta").path("content").asText(""));
                tokens += c.get("logprobs").isNull() ? 0 : c.get("logprobs").get("content").size();
            }
        }
        assertThat(full.content()).isEqualTo(text.toString());
        assertThat(full.logprobs().size()).isEqualTo(tokens);
        assertThat(full.finishReason()).isEqualTo("stop");
        assertThat(full.info().id()).isEqualTo("chatcmpl-guide-stream");
        assertThat(full.info().model()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(full.info().systemFingerprint()).isEqualTo("fp_48196bc67a");
        assertThat(full.rawEvents()).hasSize(events.size());
        assertThat(full.rawEvents().get(1).getBytes(StandardCharsets.UTF_8)).isEqualTo(
                Fixtures.text("guide-stream.sse").split("\n\n")[1].substring("data: ".length()).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void streamingAndInvokingTheSameAnswerGiveEqualLogprobs() {
        server.replyFixture("reference-logprobs.json");
        server.reply(OpenAiServer.eventByEvent(OpenAiServer.fixture(200, "reference-logprobs-stream.sse")));
        ChatModel llm = server.model().build().bind(ChatOptions.builder().logprobs(true).topLogprobs(2).build());

        AIMessage invoked = llm.invoke("Hello!");
        AIMessageChunk streamed = llm.stream("Hello!").aggregate();

        assertThat(streamed.logprobs()).isEqualTo(invoked.logprobs());
        assertThat(streamed.logprobs().size()).isEqualTo(9);
        assertThat(streamed.content()).isEqualTo(invoked.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(streamed.usage()).isEqualTo(invoked.usage());
        assertThat(Json.write(streamed.responseMetadata().get("logprobs")))
                .isEqualTo(Json.write(invoked.responseMetadata().get("logprobs")));
        assertThat(streamed.toMessage().choices()).isEqualTo(invoked.choices());
    }
}
