package dev.logprobs4j.ollama;

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
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
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
import org.junit.jupiter.api.Test;

class OllamaChatModelTest extends ProviderContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChatOptions LOGPROBS = ChatOptions.builder().logprobs(true).topLogprobs(3).build();

    private static byte[] fixture(String name) {
        return Fixtures.bytes(OllamaChatModelTest.class, "/fixtures/ollama/" + name);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected ChatModel model(String baseUrl) {
        return OllamaChatModel.builder().baseUrl(baseUrl).model("llama3.2").maxRetries(0).build();
    }

    @Override
    protected ChatModel modelWithoutLogprobs(String baseUrl) {
        return OllamaChatModel.builder().baseUrl(baseUrl).model("llama3.2").capabilities(Capabilities.NONE).build();
    }

    @Override
    protected Route invokeFixture() {
        return new Route("POST", "/api/chat", Reply.json(fixture("chat.json")));
    }

    @Override
    protected Route streamFixture() {
        return new Route("POST", "/api/chat", Reply.streamed("application/x-ndjson", fixture("chat-stream.ndjson")));
    }

    @Override
    protected Route errorFixture() {
        return new Route("POST", "/api/chat", Reply.of(404, "application/json; charset=utf-8", fixture("error-model-not-found.json")));
    }

    @Override
    protected int expectedErrorStatus() {
        return 404;
    }

    @Override
    protected String expectedErrorMessage() {
        return "model \"llama3.2\" not found, try pulling it first";
    }

    @Override
    protected List<ExpectedToken> expectedFirstTokens() {
        // Read off chat.json by hand.
        return List.of(
                new ExpectedToken("I", new byte[] {73}, -0.0820460096001625),
                new ExpectedToken("'m", new byte[] {39, 109}, -0.0005131333600729704),
                new ExpectedToken(" doing", new byte[] {32, 100, 111, 105, 110, 103}, -0.21346),
                new ExpectedToken(" well", new byte[] {32, 119, 101, 108, 108}, -0.04822),
                new ExpectedToken(",", new byte[] {44}, -0.3113));
    }

    @Override
    protected int topLogprobs() {
        return 3;
    }

    private ChatModel llm() {
        return model(server.baseUrl()).bind(LOGPROBS);
    }

    @Test
    void invokeSendsTheDocumentedFieldsToApiChat() throws Exception {
        server.route("POST", "/api/chat", Reply.json(fixture("chat.json")));
        ChatOptions options = ChatOptions.builder().temperature(0.0).seed(42).maxTokens(64).topP(0.9)
                .stop("\n\n").extra("keep_alive", "5m").build();

        llm().invoke(List.of(Message.system("be brief"), Message.human("how are you today")), options);

        RecordedRequest sent = server.onlyRequest();
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/api/chat");
        assertThat(sent.query()).isNull();
        assertThat(sent.header("Authorization")).isNull();
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(sent.body());
        assertThat(body.get("model").asText()).isEqualTo("llama3.2");
        assertThat(body.get("stream").asBoolean()).isFalse();
        assertThat(body.get("logprobs").asBoolean()).isTrue();
        assertThat(body.get("top_logprobs").asInt()).isEqualTo(3);
        assertThat(body.get("messages").toString())
                .isEqualTo("[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"how are you today\"}]");
        assertThat(body.get("options").toString())
                .isEqualTo("{\"temperature\":0.0,\"seed\":42,\"num_predict\":64,\"top_p\":0.9,\"stop\":[\"\\n\\n\"]}");
        assertThat(body.get("keep_alive").asText()).isEqualTo("5m");
        assertThat(body.size()).isEqualTo(7);
    }

    @Test
    void callWithoutLogprobsSendsNoLogprobFieldsAndHasNone() throws Exception {
        server.route("POST", "/api/chat", Reply.json(fixture("chat-old-server.json")));

        AIMessage msg = model(server.baseUrl()).invoke("how are you today");

        JsonNode body = JSON.readTree(server.onlyRequest().body());
        assertThat(body.has("logprobs")).isFalse();
        assertThat(body.has("top_logprobs")).isFalse();
        assertThat(body.has("options")).isFalse();
        assertThat(msg.hasLogprobs()).isFalse();
        assertThat(msg.responseMetadata().get("logprobs")).isNull();
        assertThat(msg.content()).isEqualTo("I'm doing well, thank you! \uD83D\uDE0A");
    }

    @Test
    void apiKeyIsSentAsBearerToken() {
        server.route("POST", "/api/chat", Reply.json(fixture("chat.json")));
        OllamaChatModel.builder().baseUrl(server.baseUrl() + "/").model("llama3.2").apiKey("sk-test").build().invoke("hi");

        assertThat(server.onlyRequest().header("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(server.onlyRequest().path()).isEqualTo("/api/chat");
    }

    @Test
    void invokeParsesEveryFieldOfTheAnswer() {
        server.route("POST", "/api/chat", Reply.json(fixture("chat.json")));

        AIMessage msg = llm().invoke("how are you today");

        assertThat(msg.content()).isEqualTo("I'm doing well, thank you! \uD83D\uDE0A");
        assertThat(msg.finishReason()).isEqualTo("stop");
        assertThat(msg.usage()).isEqualTo(new Usage(30, 9, 39));
        assertThat(msg.info().model()).isEqualTo("llama3.2");
        assertThat(msg.info().extra()).containsEntry("done_reason", "stop")
                .containsEntry("created_at", "2025-11-14T09:12:44.517032Z")
                .containsEntry("total_duration", 661622667L).containsEntry("eval_duration", 16629751L);
        assertThat(msg.logprobs().size()).isEqualTo(9);
        TokenLogprob emoji = msg.logprobs().content().get(8);
        assertThat(emoji.token()).isEqualTo(" \uD83D\uDE0A");
        assertThat(emoji.bytes()).isEqualTo(new byte[] {32, (byte) 240, (byte) 159, (byte) 152, (byte) 138});
        assertThat(emoji.logprob()).isEqualTo(-1.64061);
        assertThat(emoji.topLogprobs()).containsExactly(
                new TopLogprob(" How", utf8(" How"), -0.30474),
                new TopLogprob(" \uD83D\uDE0A", utf8(" \uD83D\uDE0A"), -1.64061),
                new TopLogprob(" I", utf8(" I"), -4.33807));
        assertThat(msg.logprobs().content().get(1).topLogprobs().get(2))
                .isEqualTo(new TopLogprob("\u2019m", new byte[] {(byte) 0xE2, (byte) 0x80, (byte) 0x99, 'm'}, -9.2417));
        assertThat(msg.logprobs().content().get(6).logprob()).isEqualTo(-1.0728836e-06);
        assertThat(msg.raw()).isEqualTo(new String(fixture("chat.json"), StandardCharsets.UTF_8));
    }

    @Test
    void bytesAreTheUtf8OfTheTokenWhenTheServerSendsNone() {
        server.route("POST", "/api/chat", Reply.json(fixture("chat-without-bytes.json")));

        AIMessage msg = llm().invoke("how are you today");

        assertThat(msg.logprobs().content().get(8).bytes()).isEqualTo(new byte[] {32, (byte) 240, (byte) 159, (byte) 152, (byte) 138});
        assertThat(msg.logprobs().content().get(1).topLogprobs().get(2).bytes())
                .isEqualTo(new byte[] {(byte) 0xE2, (byte) 0x80, (byte) 0x99, 'm'});
        assertThat(msg.logprobs().content().get(0).bytes()).isEqualTo(new byte[] {73});
    }

    @Test
    void streamSplitsTwoTokenLinesAndEndsWithFinishReasonAndUsage() throws Exception {
        server.route("POST", "/api/chat", Reply.streamed("application/x-ndjson", fixture("chat-stream.ndjson")));

        List<AIMessageChunk> chunks = new ArrayList<>();
        try (ChatStream stream = llm().stream("how are you today")) {
            stream.forEach(chunks::add);
        }

        List<String> texts = chunks.stream().map(AIMessageChunk::content).toList();
        assertThat(texts).containsExactly("", "I", "'m", " doing", " well", ",", " thank", " you", "!", " \uD83D\uDE0A", "");
        assertThat(chunks.get(0).hasLogprobs()).isTrue();
        assertThat(chunks.get(0).logprobs().size()).isZero();
        for (int i = 1; i <= 9; i++) {
            assertThat(chunks.get(i).logprobs().size()).as("chunk %d", i).isEqualTo(1);
            assertThat(chunks.get(i).finishReason()).isNull();
            assertThat(chunks.get(i).usage()).isNull();
        }
        AIMessageChunk last = chunks.get(10);
        assertThat(last.logprobs().size()).isZero();
        assertThat(last.finishReason()).isEqualTo("stop");
        assertThat(last.usage()).isEqualTo(new Usage(30, 9, 39));
        assertThat(chunks.get(6).logprobs().content().get(0).logprob()).isEqualTo(-0.00183);
        assertThat(chunks.get(7).logprobs().content().get(0).logprob()).isEqualTo(-1.0728836e-06);

        AIMessageChunk full = chunks.stream().reduce(AIMessageChunk.empty(), AIMessageChunk::add);
        assertThat(full.rawEvents()).hasSize(9).isEqualTo(Reply.streamed("x", fixture("chat-stream.ndjson")).lines());
        assertThat(full.info().extra()).containsEntry("done_reason", "stop").containsEntry("total_duration", 661622667L);
        JsonNode body = JSON.readTree(server.onlyRequest().body());
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(server.onlyRequest().header("Accept")).isEqualTo("application/x-ndjson");
    }

    @Test
    void oldServerWithoutLogprobsFailsWithUnsupportedCapabilityNotAnEmptyList() {
        server.route("POST", "/api/chat", Reply.json(fixture("chat-old-server.json")));

        assertThatThrownBy(() -> llm().invoke("how are you today"))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
                    assertThat(e.capability()).isEqualTo("logprobs");
                    assertThat(e.model()).isEqualTo("llama3.2");
                    assertThat(e.getMessage()).contains("this Ollama server did not return logprobs; they need Ollama 0.12.11 or newer");
                });
    }

    @Test
    void oldServerStreamFailsAtItsFirstTextLine() {
        byte[] oldStream = utf8("{\"model\":\"llama3.2\",\"created_at\":\"2025-11-14T09:12:44.1Z\",\"message\":{\"role\":\"assistant\",\"content\":\"I\"},\"done\":false}\n"
                + "{\"model\":\"llama3.2\",\"created_at\":\"2025-11-14T09:12:44.2Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n");
        server.route("POST", "/api/chat", Reply.streamed("application/x-ndjson", oldStream));

        try (ChatStream stream = llm().stream("hi")) {
            var it = stream.iterator();
            assertThat(it.next().logprobs().size()).isZero();
            assertThatThrownBy(it::next).isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("0.12.11");
        }
    }

    @Test
    void cutStreamFailsWithIncompleteStreamCarryingWhatArrived() {
        server.route("POST", "/api/chat",
                Reply.streamed("application/x-ndjson", fixture("chat-stream.ndjson")).cutAfterLines(3));

        List<AIMessageChunk> seen = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (ChatStream stream = llm().stream("hi")) {
                stream.forEach(seen::add);
            }
        }).isInstanceOfSatisfying(IncompleteStreamException.class, e -> {
            assertThat(e.partial().content()).isEqualTo("I'm doing");
            assertThat(e.partial().logprobs().size()).isEqualTo(3);
            assertThat(e.chunksReceived()).isEqualTo(4);
        });
        assertThat(seen).hasSize(4);
    }

    @Test
    void errorLineInsideTheStreamBecomesProviderExceptionWithStatusZero() {
        server.route("POST", "/api/chat", Reply.streamed("application/x-ndjson", fixture("error-in-stream.ndjson")));

        assertThatThrownBy(() -> llm().stream("hi").aggregate())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.providerMessage()).isEqualTo("an error was encountered while running the model: unexpected EOF");
                });
    }

    @Test
    void retriesA503AfterRetryAfterThenSucceeds() {
        server.route("POST", "/api/chat",
                Reply.of(503, "application/json", "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}")
                        .withHeader("Retry-After", "0"),
                Reply.json(fixture("chat.json")));

        AIMessage msg = OllamaChatModel.builder().baseUrl(server.baseUrl()).model("llama3.2").maxRetries(1).build()
                .bind(LOGPROBS).invoke("hi");

        assertThat(msg.logprobs().size()).isEqualTo(9);
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void exhaustedRetriesReportTheLastStatus() {
        server.route("POST", "/api/chat", Reply.of(503, "application/json", "{\"error\":\"busy\"}").withHeader("Retry-After", "0"));

        assertThatThrownBy(() -> OllamaChatModel.builder().baseUrl(server.baseUrl()).model("llama3.2").maxRetries(2).build().invoke("hi"))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.providerMessage()).isEqualTo("busy");
                });
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void generateApiSendsPromptAndSystemAndParsesResponse() throws Exception {
        server.route("POST", "/api/generate", Reply.json(fixture("generate.json")));
        ChatModel gen = OllamaChatModel.builder().baseUrl(server.baseUrl()).model("llama3.2")
                .api(OllamaChatModel.Api.GENERATE).build().bind(ChatOptions.builder().logprobs(true).topLogprobs(1).build());

        AIMessage msg = gen.invoke(List.of(Message.system("answer in one word"), Message.human("The capital of France is")),
                ChatOptions.NONE);

        JsonNode body = JSON.readTree(server.onlyRequest().body());
        assertThat(server.onlyRequest().path()).isEqualTo("/api/generate");
        assertThat(body.get("prompt").asText()).isEqualTo("The capital of France is");
        assertThat(body.get("system").asText()).isEqualTo("answer in one word");
        assertThat(body.has("messages")).isFalse();
        assertThat(body.get("top_logprobs").asInt()).isEqualTo(1);
        assertThat(msg.content()).isEqualTo("Paris.");
        assertThat(msg.logprobs().content()).containsExactly(
                new TokenLogprob("Paris", utf8("Paris"), -0.0820460096001625,
                        List.of(new TopLogprob("Paris", utf8("Paris"), -0.0820460096001625))),
                new TokenLogprob(".", utf8("."), -0.5393, List.of(new TopLogprob(".", utf8("."), -0.5393))));
        assertThat(msg.usage()).isEqualTo(new Usage(30, 3, 33));
    }

    @Test
    void generateApiRefusesConversationsBeforeAnyRequest() {
        ChatModel gen = OllamaChatModel.builder().baseUrl(server.baseUrl()).model("llama3.2").api(OllamaChatModel.Api.GENERATE).build();

        assertThatThrownBy(() -> gen.invoke(Message.human("hi"), Message.ai("hello"), Message.human("again")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Api.CHAT");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void severalAnswersAreRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> llm().invoke(List.of(Message.human("hi")), ChatOptions.builder().n(2).build()))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> assertThat(e.capability()).isEqualTo("n"));
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void moreThanTwentyTopLogprobsAreRefusedBeforeAnyRequest() {
        assertThat(llm().capabilities().maxTopLogprobs()).isEqualTo(20);
        assertThat(llm().capabilities().streamingLogprobs()).isTrue();
        assertThat(llm().capabilities().promptLogprobs()).isFalse();
    }

    @Test
    void malformedJsonNamesThePath() {
        server.route("POST", "/api/chat", Reply.json(utf8("{\"model\":\"llama3.2\",\"message\":{\"content\":\"I\"},\"done\":true,"
                + "\"logprobs\":[{\"token\":\"I\",\"logprob\":\"high\"}]}")));

        assertThatThrownBy(() -> llm().invoke("hi"))
                .isInstanceOfSatisfying(MalformedResponseException.class,
                        e -> assertThat(e.location()).isEqualTo("$.logprobs[0].logprob"));
    }

    @Test
    void positiveLogprobIsMalformedWithItsPath() {
        server.route("POST", "/api/chat", Reply.json(utf8("{\"model\":\"llama3.2\",\"message\":{\"content\":\"I\"},\"done\":true,"
                + "\"logprobs\":[{\"token\":\"I\",\"logprob\":-0.1,\"top_logprobs\":[{\"token\":\"I\",\"logprob\":0.5}]}]}")));

        assertThatThrownBy(() -> llm().invoke("hi"))
                .isInstanceOfSatisfying(MalformedResponseException.class,
                        e -> assertThat(e.location()).isEqualTo("$.logprobs[0].top_logprobs[0]"));
    }

    @Test
    void connectionRefusedIsATransportException() {
        String url = server.baseUrl();
        server.close();

        assertThatThrownBy(() -> model(url).invoke("hi")).isInstanceOf(dev.logprobs4j.TransportException.class)
                .hasMessageContaining("could not connect");
    }
}
