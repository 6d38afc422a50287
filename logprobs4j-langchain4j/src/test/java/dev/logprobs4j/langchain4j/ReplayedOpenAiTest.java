package dev.logprobs4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.logprobs4j.openai.OpenAiChatModel;
import dev.logprobs4j.testkit.Fixtures;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter over OpenAI, replaying the API reference's logprobs example (invoke and stream of one answer). */
class ReplayedOpenAiTest {

    private ReplayServer server;
    private LogprobsChatModel model;

    @BeforeEach
    void start() {
        server = ReplayServer.start();
        model = LogprobsChatModel.of(OpenAiChatModel.builder().baseUrl(server.baseUrl() + "/v1").apiKey("sk-test-1234")
                .model("gpt-4o-mini").maxRetries(0).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static ChatRequest hello() {
        return ChatRequest.builder().messages(UserMessage.from("Hello!"))
                .parameters(LogprobsChatRequestParameters.builder().logprobs(true).topLogprobs(2).build()).build();
    }

    @Test
    void chatSendsLogprobsAndReadsThemBack() {
        server.route("POST", "/v1/chat/completions",
                Reply.json(Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs.json")));

        ChatResponse response = model.chat(hello());

        String sent = server.requests().get(0).bodyText();
        assertThat(sent).contains("\"logprobs\":true").contains("\"top_logprobs\":2").contains("\"model\":\"gpt-4o-mini\"")
                .contains("\"content\":\"Hello!\"");
        assertThat(response.aiMessage().text()).isEqualTo("Hello! How can I assist you today?");
        assertThat(response.id()).isEqualTo("chatcmpl-123");
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        List<LogProb> logProbs = LogprobsChatResponseMetadata.from(response).logProbs();
        assertThat(logProbs.get(0)).isEqualTo(new LogProb("Hello", -0.31725305, List.of(72, 101, 108, 108, 111), List.of(
                new LogProb("Hello", -0.31725305, List.of(72, 101, 108, 108, 111), List.of()),
                new LogProb("Hi", -1.3190403, List.of(72, 105), List.of()))));
        assertThat(String.join("", logProbs.stream().map(LogProb::token).toList())).isEqualTo(response.aiMessage().text());
    }

    @Test
    void streamingLogprobsEqualChatLogprobs() throws Exception {
        server.route("POST", "/v1/chat/completions",
                Reply.json(Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs.json")));
        ChatResponse invoked = model.chat(hello());
        server.route("POST", "/v1/chat/completions", Reply.streamed("text/event-stream",
                Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs-stream.sse")));

        RecordingHandler handler = new RecordingHandler();
        model.chat(hello(), handler);
        ChatResponse streamed = handler.await();

        assertThat(server.requests().get(1).bodyText()).contains("\"stream\":true").contains("\"top_logprobs\":2");
        assertThat(LogprobsChatResponseMetadata.from(streamed).logprobs())
                .isEqualTo(LogprobsChatResponseMetadata.from(invoked).logprobs());
        assertThat(LogprobsChatResponseMetadata.from(streamed).logProbs())
                .isEqualTo(LogprobsChatResponseMetadata.from(invoked).logProbs()).hasSize(handler.partials.size());
        assertThat(streamed.aiMessage().text()).isEqualTo(invoked.aiMessage().text());
        assertThat(streamed.tokenUsage()).isEqualTo(invoked.tokenUsage());
    }
}
