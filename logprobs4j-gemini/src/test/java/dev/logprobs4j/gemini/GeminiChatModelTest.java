package dev.logprobs4j.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.Usage;
import dev.logprobs4j.testkit.Fixtures;
import dev.logprobs4j.testkit.ProviderContractTest;
import dev.logprobs4j.testkit.RecordedRequest;
import dev.logprobs4j.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GeminiChatModelTest extends ProviderContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/v1beta/models/gemini-2.0-flash:generateContent";
    private static final String STREAM_PATH = "/v1beta/models/gemini-2.0-flash:streamGenerateContent";
    private static final ChatOptions LOGPROBS = ChatOptions.builder().logprobs(true).topLogprobs(3).build();

    private static byte[] fixture(String name) {
        return Fixtures.bytes(GeminiChatModelTest.class, "/fixtures/gemini/" + name);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected ChatModel model(String baseUrl) {
        return GeminiChatModel.builder().baseUrl(baseUrl).apiKey("test-key").model("gemini-2.0-flash").maxRetries(0).build();
    }

    @Override
    protected ChatModel modelWithoutLogprobs(String baseUrl) {
        return GeminiChatModel.builder().baseUrl(baseUrl).apiKey("test-key").model("gemini-2.5-pro")
                .capabilities(Capabilities.NONE).build();
    }

    @Override
    protected Route invokeFixture() {
        return new Route("POST", PATH, Reply.json(fixture("generate-content.json")));
    }

    @Override
    protected Route streamFixture() {
        return new Route("POST", STREAM_PATH, Reply.streamed("text/event-stream", fixture("stream-generate-content.sse")));
    }

    @Override
    protected Route errorFixture() {
        return new Route("POST", PATH, Reply.of(400, "application/json; charset=UTF-8", fixture("error-api-key-invalid.json")));
    }

    @Override
    protected int expectedErrorStatus() {
        return 400;
    }

    @Override
    protected String expectedErrorMessage() {
        return "API key not valid. Please pass a valid API key.";
    }

    @Override
    protected List<ExpectedToken> expectedFirstTokens() {
        // Read off generate-content.json by hand; bytes are the UTF-8 of the text (Gemini sends none).
        return List.of(
                new ExpectedToken("I", new byte[] {73}, -0.0312),
                new ExpectedToken("'", new byte[] {39}, -0.0019),
                new ExpectedToken("m", new byte[] {109}, 0.0),
                new ExpectedToken(" doing", new byte[] {32, 100, 111, 105, 110, 103}, -0.1985),
                new ExpectedToken(" well", new byte[] {32, 119, 101, 108, 108}, -0.0671));
    }

    @Override
    protected int topLogprobs() {
        return 3;
    }

    private ChatModel llm() {
        return model(server.baseUrl()).bind(LOGPROBS);
    }

    @Test
    void invokeSendsGenerationConfigAndKeyHeaderToGenerateContent() throws Exception {
        server.route("POST", PATH, Reply.json(fixture("generate-content.json")));
        ChatOptions options = ChatOptions.builder().temperature(0.2).topP(0.95).seed(7).maxTokens(50).stop("END")
                .extra("generationConfig.responseMimeType", "text/plain")
                .extra("safetySettings", List.of(Map.of("category", "HARM_CATEGORY_HARASSMENT", "threshold", "BLOCK_NONE")))
                .build();

        llm().invoke(List.of(Message.system("be brief"), Message.human("hi"), Message.ai("hello"),
                Message.human("how are you today")), options);

        RecordedRequest sent = server.onlyRequest();
        assertThat(sent.path()).isEqualTo(PATH);
        assertThat(sent.query()).isNull();
        assertThat(sent.header("x-goog-api-key")).isEqualTo("test-key");
        assertThat(sent.header("Authorization")).isNull();
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("contents").toString()).isEqualTo("[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"hello\"}]},{\"role\":\"user\",\"parts\":[{\"text\":\"how are you today\"}]}]");
        assertThat(body.get("systemInstruction").toString()).isEqualTo("{\"parts\":[{\"text\":\"be brief\"}]}");
        assertThat(body.get("generationConfig").toString()).isEqualTo("{\"temperature\":0.2,\"topP\":0.95,\"seed\":7,"
                + "\"maxOutputTokens\":50,\"stopSequences\":[\"END\"],\"responseLogprobs\":true,\"logprobs\":3,"
                + "\"responseMimeType\":\"text/plain\"}");
        assertThat(body.get("safetySettings").get(0).get("threshold").asText()).isEqualTo("BLOCK_NONE");
        assertThat(body.size()).isEqualTo(4);
    }

    @Test
    void withoutLogprobsNoLogprobFieldsAreSentAndNoneReturned() throws Exception {
        server.route("POST", PATH, Reply.json(fixture("generate-content.json")));

        AIMessage msg = model(server.baseUrl()).invoke("hi");

        assertThat(JSON.readTree(server.onlyRequest().body()).has("generationConfig")).isFalse();
        assertThat(msg.hasLogprobs()).isFalse();
    }

    @Test
    void apiKeyCanGoInTheQueryInstead() {
        server.route("POST", PATH, Reply.json(fixture("generate-content.json")));

        GeminiChatModel.builder().baseUrl(server.baseUrl()).apiKey("k&1").apiKeyInQuery(true).model("gemini-2.0-flash")
                .build().invoke("hi");

        assertThat(server.onlyRequest().queryParam("key")).isEqualTo("k&1");
        assertThat(server.onlyRequest().header("x-goog-api-key")).isNull();
    }

    @Test
    void vertexAiCallsThePublisherPathWithABearerTokenPerRequest() {
        String vertexPath = "/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent";
        server.route("POST", vertexPath, Reply.json(fixture("generate-content.json")));
        AtomicInteger calls = new AtomicInteger();
        ChatModel vertex = GeminiChatModel.builder().baseUrl(server.baseUrl()).model("gemini-2.0-flash")
                .vertexAi("my-proj", "us-central1", () -> "tok-" + calls.incrementAndGet()).build().bind(LOGPROBS);

        AIMessage first = vertex.invoke("hi");
        vertex.invoke("hi");

        List<RecordedRequest> sent = server.requests();
        assertThat(sent).extracting(RecordedRequest::path).containsExactly(vertexPath, vertexPath);
        assertThat(sent).extracting(r -> r.header("Authorization")).containsExactly("Bearer tok-1", "Bearer tok-2");
        assertThat(sent.get(0).header("x-goog-api-key")).isNull();
        assertThat(first.logprobs().size()).isEqualTo(12);
    }

    @Test
    void builderDefaultsToGoogleHostsAndNeedsAKeyOrVertex() {
        assertThatThrownBy(() -> GeminiChatModel.builder().model("gemini-2.0-flash").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("API key");
        assertThatThrownBy(() -> GeminiChatModel.builder().apiKey("k").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("model is required");
    }

    @Test
    void invokeParsesEveryFieldOfTheAnswer() {
        server.route("POST", PATH, Reply.json(fixture("generate-content.json")));

        AIMessage msg = llm().invoke("how are you today");

        assertThat(msg.content()).isEqualTo("I'm doing well, thank you for asking! \uD83D\uDE0A");
        assertThat(msg.finishReason()).isEqualTo("stop");
        assertThat(msg.usage()).isEqualTo(new Usage(6, 12, 18));
        assertThat(msg.info().id()).isEqualTo("Vn1yaJ2bKqS2nvgP7d6e8AM");
        assertThat(msg.info().model()).isEqualTo("gemini-2.0-flash");
        assertThat(msg.info().extra()).containsEntry("gemini_finish_reason", "STOP");
        assertThat((Double) msg.info().extra().get("avg_logprobs")).isEqualTo(-0.1769251192092917);
        assertThat(msg.responseMetadata()).containsEntry("avg_logprobs", -0.1769251192092917);
        // avgLogprobs is the mean of the chosen tokens' logprobs
        assertThat(msg.logprobs().meanLogprob()).isCloseTo(-0.1769251192092917, within(1e-15));
        TokenLogprob emoji = msg.logprobs().content().get(11);
        assertThat(emoji.token()).isEqualTo(" \uD83D\uDE0A");
        assertThat(emoji.bytes()).isEqualTo(new byte[] {32, (byte) 240, (byte) 159, (byte) 152, (byte) 138});
        assertThat(emoji.topLogprobs()).containsExactly(
                new TopLogprob(" How", utf8(" How"), -0.3417),
                new TopLogprob(" \uD83D\uDE0A", utf8(" \uD83D\uDE0A"), -1.2834),
                new TopLogprob(" What", utf8(" What"), -4.6055));
        assertThat(msg.logprobs().content().get(2).topLogprobs().get(0)).isEqualTo(new TopLogprob("m", utf8("m"), 0.0));
        assertThat(msg.logprobs().content().get(1).topLogprobs().get(1).bytes()).isEqualTo(new byte[] {(byte) 0xE2, (byte) 0x80, (byte) 0x99});
    }

    @Test
    void streamGoesToStreamGenerateContentWithAltSseAndSplitsEventsIntoTokens() {
        server.route("POST", STREAM_PATH, Reply.streamed("text/event-stream", fixture("stream-generate-content.sse")));

        List<AIMessageChunk> chunks = new ArrayList<>();
        try (ChatStream stream = llm().stream("how are you today")) {
            stream.forEach(chunks::add);
        }

        assertThat(server.onlyRequest().path()).isEqualTo(STREAM_PATH);
        assertThat(server.onlyRequest().queryParam("alt")).isEqualTo("sse");
        assertThat(chunks).extracting(AIMessageChunk::content).containsExactly("", "I", "'", "m", " doing", " well", ",",
                " thank", " you", " for", " asking", "!", " \uD83D\uDE0A");
        for (int i = 1; i < chunks.size() - 1; i++) {
            assertThat(chunks.get(i).usage()).as("chunk %d", i).isNull();
            assertThat(chunks.get(i).finishReason()).isNull();
        }
        AIMessageChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.finishReason()).isEqualTo("stop");
        assertThat(last.usage()).isEqualTo(new Usage(6, 12, 18));
        AIMessageChunk full = chunks.stream().reduce(AIMessageChunk.empty(), AIMessageChunk::add);
        assertThat(full.usage()).as("running totals are not added up").isEqualTo(new Usage(6, 12, 18));
        assertThat(full.rawEvents()).hasSize(4);
        assertThat(full.info().extra()).containsEntry("gemini_finish_reason", "STOP");
    }

    @Test
    void logprobsNotEnabledRefusalBecomesUnsupportedCapabilityWithGooglesMessage() {
        server.route("POST", PATH, Reply.of(400, "application/json", fixture("error-logprobs-not-enabled.json")));

        assertThatThrownBy(() -> llm().invoke("hi"))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
                    assertThat(e.capability()).isEqualTo("logprobs");
                    assertThat(e.model()).isEqualTo("gemini-2.0-flash");
                    assertThat(e.providerMessage()).isEqualTo("Logprobs is not enabled for models/gemini-2.5-pro");
                    assertThat(e.getMessage()).contains("Logprobs is not enabled for models/gemini-2.5-pro");
                });
    }

    @Test
    void olderNotSupportedWordingIsRecognisedToo() {
        server.route("POST", STREAM_PATH, Reply.of(400, "application/json", fixture("error-logprobs-not-supported.json")));

        assertThatThrownBy(() -> llm().stream("hi"))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                        e -> assertThat(e.providerMessage()).isEqualTo("Logprobs is not supported for the current model."));
    }

    @Test
    void notebookClassificationScoresTheLabels() {
        server.route("POST", PATH, Reply.json(fixture("classify-enum.json")));

        AIMessage msg = llm().invoke("I am not sure if I really like this restaurant a lot.");

        assertThat(msg.content()).isEqualTo("Neutral");
        Map<String, Double> p = msg.logprobs().labelProbabilities(List.of("Positive", "Negative", "Neutral"));
        assertThat(p.get("Neutral")).isCloseTo(Math.exp(-0.0214), within(1e-12));
        assertThat(p.get("Positive")).isCloseTo(Math.exp(-4.8219), within(1e-12));
        assertThat(p.get("Negative")).isCloseTo(Math.exp(-5.6293), within(1e-12));
    }

    @Test
    void answerWithoutLogprobsResultAlthoughRequestedIsUnsupported() {
        server.route("POST", PATH, Reply.json(utf8("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\"}],\"modelVersion\":\"gemini-2.5-flash\"}")));

        assertThatThrownBy(() -> llm().invoke("hi")).isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessageContaining("without logprobsResult");
    }

    @Test
    void cutStreamFailsWithIncompleteStreamCarryingWhatArrived() {
        server.route("POST", STREAM_PATH,
                Reply.streamed("text/event-stream", fixture("stream-generate-content.sse")).cutAfterLines(4));

        assertThatThrownBy(() -> llm().stream("hi").aggregate())
                .isInstanceOfSatisfying(IncompleteStreamException.class, e -> {
                    assertThat(e.partial().content()).isEqualTo("I'm doing well,");
                    assertThat(e.partial().logprobs().size()).isEqualTo(6);
                });
    }

    @Test
    void streamEndingWithoutFinishReasonIsIncomplete() {
        byte[] all = fixture("stream-generate-content.sse");
        String text = new String(all, StandardCharsets.UTF_8);
        byte[] firstTwo = utf8(text.substring(0, text.indexOf("data:", text.indexOf("data:", 1) + 1)));
        server.route("POST", STREAM_PATH, Reply.streamed("text/event-stream", firstTwo));

        assertThatThrownBy(() -> llm().stream("hi").aggregate())
                .isInstanceOf(IncompleteStreamException.class).hasMessageContaining("without a finishReason");
    }

    @Test
    void severalCandidatesBecomeChoicesByIndex() {
        server.route("POST", PATH, Reply.json(utf8("{\"candidates\":["
                + "{\"index\":0,\"content\":{\"parts\":[{\"text\":\"Yes\"}]},\"finishReason\":\"STOP\",\"logprobsResult\":{\"chosenCandidates\":[{\"token\":\"Yes\",\"logProbability\":-0.1}]}},"
                + "{\"index\":1,\"content\":{\"parts\":[{\"text\":\"No\"}]},\"finishReason\":\"MAX_TOKENS\",\"logprobsResult\":{\"chosenCandidates\":[{\"token\":\"No\",\"logProbability\":-2.5}]}}]}")));

        AIMessage msg = model(server.baseUrl()).invoke(List.of(Message.human("?")),
                ChatOptions.builder().logprobs(true).n(2).build());

        assertThat(msg.choices()).hasSize(2);
        assertThat(msg.choices().get(1).content()).isEqualTo("No");
        assertThat(msg.choices().get(1).finishReason()).isEqualTo("length");
        assertThat(msg.choices().get(1).logprobs().content().get(0).logprob()).isEqualTo(-2.5);
    }

    @Test
    void chosenAndTopCandidateCountsMustAgree() {
        server.route("POST", PATH, Reply.json(utf8("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ab\"}]},"
                + "\"logprobsResult\":{\"topCandidates\":[{\"candidates\":[{\"token\":\"a\",\"logProbability\":-0.1}]}],"
                + "\"chosenCandidates\":[{\"token\":\"a\",\"logProbability\":-0.1},{\"token\":\"b\",\"logProbability\":-0.2}]}}]}")));

        assertThatThrownBy(() -> llm().invoke("hi"))
                .isInstanceOfSatisfying(MalformedResponseException.class,
                        e -> assertThat(e.location()).isEqualTo("$.candidates[0].logprobsResult"));
    }

    @Test
    void moreThanTwentyTopLogprobsAreRefusedBeforeAnyRequest() {
        assertThat(llm().capabilities()).isEqualTo(new Capabilities(true, 20, true, false));
        assertThatThrownBy(() -> ChatOptions.builder().logprobs(true).topLogprobs(21).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requestCount()).isZero();
    }
}
