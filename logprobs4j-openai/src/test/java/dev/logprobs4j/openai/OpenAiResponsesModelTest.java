package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Json;
import dev.logprobs4j.Message;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import dev.logprobs4j.testkit.Reply;
import dev.logprobs4j.testkit.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OpenAI's Responses API: the request we send, the answers and events we read, and the chunks we emit. */
class OpenAiResponsesModelTest {

    private final OpenAiServer server = new OpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiResponsesModel.Builder builder() {
        return OpenAiResponsesModel.builder().model("gpt-4.1-mini").baseUrl(server.baseUrl()).apiKey("sk-test-SECRET-1234")
                .env(n -> null);
    }

    private OpenAiResponsesModel llm() {
        return builder().build().bind(ChatOptions.builder().logprobs(true).topLogprobs(2).build());
    }

    private JsonNode sent(int i) {
        return Fixtures.parse(server.requests().get(i).bodyText());
    }

    @Test
    void invokeSendsInputItemsIncludeAndTopLogprobsToResponses() {
        server.replyFixture("responses/responses-logprobs.json");

        llm().invoke(List.of(Message.system("be brief"), Message.human("Hello!"), Message.ai("Hi"), Message.human("again")),
                ChatOptions.builder().temperature(0.5).topP(0.9).maxTokens(64).extra("store", false).build());

        RecordedRequest request = server.onlyRequest();
        assertThat(request.uri()).isEqualTo("/v1/responses");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-SECRET-1234");
        JsonNode body = sent(0);
        assertThat(body.toString()).isEqualTo("{\"model\":\"gpt-4.1-mini\",\"input\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":\"Hello!\"},{\"role\":\"assistant\",\"content\":\"Hi\"},{\"role\":\"user\",\"content\":\"again\"}],"
                + "\"temperature\":0.5,\"top_p\":0.9,\"max_output_tokens\":64,\"top_logprobs\":2,"
                + "\"include\":[\"message.output_text.logprobs\"],\"store\":false}");
    }

    @Test
    void invokeParsesOutputTextLogprobsUsageAndStatus() {
        server.replyFixture("responses/responses-logprobs.json");

        AIMessage msg = llm().invoke("Hello!");

        JsonNode part = Fixtures.tree("responses/responses-logprobs.json").get("output").get(0).get("content").get(0);
        ResponseParsingTest.assertTokensEqual(msg.logprobs().content(), part.get("logprobs"));
        assertThat(msg.logprobs().content().get(2).topLogprobs().get(1))
                .isEqualTo(new TopLogprob("<|end|>", "<|end|>".getBytes(StandardCharsets.UTF_8), -10.953937));
        assertThat(msg.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(msg.finishReason()).isEqualTo("stop");
        assertThat(msg.usage()).isEqualTo(new Usage(9, 9, 18));
        assertThat(msg.info().id()).isEqualTo("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b");
        assertThat(msg.info().model()).isEqualTo("gpt-4.1-mini-2025-04-14");
        assertThat(msg.info().extra()).containsEntry("created_at", 1741476542L).containsKey("output_tokens_details");
        assertThat(msg.raw()).isEqualTo(Fixtures.text("responses/responses-logprobs.json"));
        @SuppressWarnings("unchecked")
        List<Object> content = (List<Object>) ((java.util.Map<String, Object>) msg.responseMetadata().get("logprobs")).get("content");
        assertThat(Json.write(content.get(0))).isEqualTo("{\"token\": \"Hello\", \"bytes\": [72, 101, 108, 108, 111], \"logprob\": -0.31725305,"
                + " \"top_logprobs\": [{\"token\": \"Hello\", \"bytes\": [72, 101, 108, 108, 111], \"logprob\": -0.31725305},"
                + " {\"token\": \"Hi\", \"bytes\": [72, 105], \"logprob\": -1.3190403}]}");
    }

    @Test
    void withoutLogprobsNothingIsIncludedAndTheMessageHasNone() {
        server.replyFixture("responses/responses-logprobs.json");

        AIMessage msg = builder().build().invoke("Hello!");

        assertThat(sent(0).has("include")).isFalse();
        assertThat(sent(0).has("top_logprobs")).isFalse();
        assertThat(msg.hasLogprobs()).isFalse();
        assertThat(msg.responseMetadata().get("logprobs")).isNull();
    }

    @Test
    void incompleteForMaxOutputTokensIsFinishReasonLength() {
        server.replyFixture("responses/responses-incomplete.json");

        AIMessage msg = llm().invoke("hi");

        assertThat(msg.finishReason()).isEqualTo("length");
        assertThat(msg.content()).isEqualTo("根据.annotation.cell().");
        assertThat(msg.logprobs().content().get(0)).isEqualTo(new TokenLogprob("根据",
                new byte[] {(byte) 230, (byte) 160, (byte) 185, (byte) 230, (byte) 141, (byte) 174}, -3.7662811279296875));
        assertThat(msg.logprobs().content().get(1).logprob()).isEqualTo(-11.680919647216797);
        assertThat(msg.logprobs().size()).isEqualTo(4);
        assertThat(msg.usage()).isEqualTo(new Usage(1, 4, 5));
    }

    @Test
    void streamSendsStreamTrueAndFoldsFromEmptyToNineTokens() {
        server.reply(OpenAiServer.eventByEvent(OpenAiServer.fixture(200, "responses/responses-logprobs-stream.sse")));

        List<String> printed = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        AIMessageChunk full = null;
        try (ChatStream stream = llm().stream("Hello!")) {
            for (AIMessageChunk chunk : stream) {
                full = full == null ? chunk : full.add(chunk);
                sizes.add(full.logprobs().size());
                printed.add(Json.write(full.responseMetadata().get("logprobs")));
            }
        }

        // response.created, nine deltas, response.completed: the other events carry nothing new.
        assertThat(sizes).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9);
        assertThat(printed.get(0)).isEqualTo("{\"content\": []}");
        assertThat(printed.get(1)).isEqualTo("{\"content\": [{\"token\": \"Hello\", \"bytes\": [72, 101, 108, 108, 111], \"logprob\": -0.31725305,"
                + " \"top_logprobs\": [{\"token\": \"Hello\", \"bytes\": [72, 101, 108, 108, 111], \"logprob\": -0.31725305},"
                + " {\"token\": \"Hi\", \"bytes\": [72, 105], \"logprob\": -1.3190403}]}]}");
        assertThat(full.content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(full.finishReason()).isEqualTo("stop");
        assertThat(full.usage()).isEqualTo(new Usage(9, 9, 18));
        assertThat(full.info().id()).isEqualTo("resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b");
        assertThat(full.rawEvents()).hasSize(11);
        JsonNode body = sent(0);
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("include").toString()).isEqualTo("[\"message.output_text.logprobs\"]");
        assertThat(server.onlyRequest().header("Accept")).isEqualTo("text/event-stream");
    }

    @Test
    void streamedAndInvokedLogprobsAreEqualBecauseDeltaBytesAreTheTokensUtf8() {
        server.replyFixture("responses/responses-logprobs.json");
        server.replyFixture("responses/responses-logprobs-stream.sse");

        AIMessage invoked = llm().invoke("Hello!");
        AIMessage streamed = llm().stream("Hello!").aggregate().toMessage();

        assertThat(streamed.logprobs()).isEqualTo(invoked.logprobs());
        assertThat(streamed.choices()).isEqualTo(invoked.choices());
        assertThat(streamed.usage()).isEqualTo(invoked.usage());
    }

    @Test
    void failedEventBecomesProviderExceptionCarryingWhatArrived() {
        server.replyFixture("responses/responses-failed-stream.sse");

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> llm().stream("Hello!").aggregate());

        assertThat(e.status()).isZero();
        assertThat(e.code()).isEqualTo("server_error");
        assertThat(e.providerMessage()).isEqualTo("The server had an error while processing your request. Sorry about that!");
    }

    @Test
    void errorEventBecomesProviderExceptionAfterTheFirstChunk() {
        server.replyFixture("responses/responses-error-event.sse");
        List<AIMessageChunk> seen = new ArrayList<>();

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> {
            try (ChatStream s = llm().stream("Hello!")) {
                s.forEach(seen::add);
            }
        });

        assertThat(e.code()).isEqualTo("rate_limit_exceeded");
        assertThat(e.providerMessage()).isEqualTo("Rate limit reached for gpt-4.1-mini. Please try again in 20ms.");
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).logprobs().content()).isEmpty();
    }

    @Test
    void streamEndingBeforeCompletedIsIncomplete() {
        String cut = Fixtures.text("responses/responses-logprobs-stream.sse");
        cut = cut.substring(0, cut.indexOf("event: response.completed"));
        server.reply(Reply.of(200, "text/event-stream", cut.getBytes(StandardCharsets.UTF_8)));

        dev.logprobs4j.IncompleteStreamException e = catchThrowableOfType(dev.logprobs4j.IncompleteStreamException.class,
                () -> llm().stream("Hello!").aggregate());

        assertThat(e.partial().content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(e.partial().logprobs().size()).isEqualTo(9);
        assertThat(e.partial().finishReason()).isNull();
    }

    @Test
    void optionsTheApiDoesNotHaveAreRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> llm().invoke(List.of(Message.human("x")), ChatOptions.builder().n(2).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the Responses API has no 'n' option; ask for one answer per call or use OpenAiChatModel (Chat Completions)");
        assertThatThrownBy(() -> llm().invoke(List.of(Message.human("x")), ChatOptions.builder().seed(1L).build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> llm().invoke(List.of(Message.human("x")), ChatOptions.builder().stop("\n").build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> llm().invoke(List.of(Message.human("x")), ChatOptions.builder().extra("include", List.of()).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("extra option 'include' is set by the client itself");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void capabilitiesAndTheKeyStayOutOfToString() {
        OpenAiResponsesModel model = builder().build();
        assertThat(model.capabilities()).isEqualTo(OpenAiResponsesModel.RESPONSES_CAPABILITIES);
        assertThat(model.toString()).doesNotContain("SECRET").contains("apiKey=(set)");
        assertThat(model.baseUrl()).isEqualTo(server.baseUrl());
    }
}
