package dev.logprobs4j.springai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.Json;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.openai.OpenAiChatModel;
import dev.logprobs4j.springai.autoconfigure.Logprobs4jAutoConfiguration;
import dev.logprobs4j.springai.autoconfigure.LocalEngineAutoConfiguration;
import dev.logprobs4j.testkit.Fixtures;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The starter configured for an OpenAI-compatible server, replaying the API reference's logprobs example. */
class ReplayedOpenAiBootTest {

    private ReplayServer server;
    private ApplicationContextRunner runner;

    @BeforeEach
    void start() {
        server = ReplayServer.start();
        runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LocalEngineAutoConfiguration.class, Logprobs4jAutoConfiguration.class))
                .withPropertyValues("logprobs4j.openai.base-url=" + server.baseUrl() + "/v1",
                        "logprobs4j.openai.api-key=sk-test-1234", "logprobs4j.openai.model=gpt-4o-mini",
                        "logprobs4j.logprobs=true", "logprobs4j.top-logprobs=2");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void propertiesGiveAnOpenAiModelThatSendsTheKeyAndLogprobs() {
        server.route("POST", "/v1/chat/completions",
                Reply.json(Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs.json")));
        runner.run(context -> {
            assertThat(context.getBean(dev.logprobs4j.ChatModel.class)).isInstanceOf(OpenAiChatModel.class);
            Generation generation = context.getBean(ChatModel.class).call(new Prompt("Hello!")).getResult();

            assertThat(server.requests().get(0).header("authorization")).isEqualTo("Bearer sk-test-1234");
            assertThat(server.requests().get(0).bodyText()).contains("\"logprobs\":true").contains("\"top_logprobs\":2")
                    .contains("\"model\":\"gpt-4o-mini\"");
            assertThat(generation.getOutput().getText()).isEqualTo("Hello! How can I assist you today?");
            assertThat(generation.getMetadata().getFinishReason()).isEqualTo("stop");
        });
    }

    @Test
    void theLogprobsMetadataWritesAsOpenAisJson() throws Exception {
        server.route("POST", "/v1/chat/completions",
                Reply.json(Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs.json")));
        runner.run(context -> {
            Generation generation = context.getBean(ChatModel.class).call(new Prompt("Hello!")).getResult();

            ObjectMapper json = new ObjectMapper();
            JsonNode fixture = json.readTree(Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs.json"));
            JsonNode ours = json.readTree(Json.write(generation.getMetadata().get("logprobs")));
            assertThat(ours.get("content")).isEqualTo(fixture.at("/choices/0/logprobs/content"));
            assertThat(ours.get("content").size()).isGreaterThan(5);
        });
    }

    @Test
    void fluxStreamingLogprobsEqualTheCallsLogprobs() {
        server.route("POST", "/v1/chat/completions",
                Reply.json(Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs.json")));
        runner.run(context -> {
            ChatModel chatModel = context.getBean(ChatModel.class);
            Logprobs called = LogprobsGenerationMetadata.from(chatModel.call(new Prompt("Hello!")).getResult()).logprobs();
            server.route("POST", "/v1/chat/completions", Reply.streamed("text/event-stream",
                    Fixtures.bytes(getClass(), "/fixtures/openai/reference-logprobs-stream.sse")));

            List<ChatResponse> streamed = chatModel.stream(new Prompt("Hello!")).collectList().block();

            assertThat(server.requests().get(1).bodyText()).contains("\"stream\":true");
            Logprobs joined = Logprobs.EMPTY;
            for (ChatResponse r : streamed) {
                Logprobs piece = LogprobsGenerationMetadata.from(r.getResult()).logprobs();
                joined = piece == null ? joined : joined.concat(piece);
            }
            assertThat(joined).isEqualTo(called);
            assertThat(called.content()).isNotEmpty();
        });
    }
}
