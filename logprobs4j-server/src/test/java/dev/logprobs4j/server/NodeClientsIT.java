package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official OpenAI and LangChain JavaScript clients (pinned in tools/npm), unchanged, against
 * the server on stories260K: what they read equals what LocalChatModel gives logprobs4j's Java API
 * for the same request.
 */
class NodeClientsIT {

    static final String KEY = "sk-node-it";
    static final String PROMPT = "Once upon a time";
    static ServedModel model;
    static LogprobsServer server;
    static LogprobsServer strict; // --strict-model: other names get 404

    @BeforeAll
    static void start() throws Exception {
        model = ServedModel.of(Stories.model()); // the real engine on stories260K
        server = LogprobsServer.builder().model(model).port(0).apiKey(KEY).build().start();
        strict = LogprobsServer.builder().model(model).port(0).apiKey(KEY).strictModel(true).build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
        strict.close();
    }

    static AIMessageChunk expected(ChatOptions options) {
        return model.chat(List.of(Message.human(PROMPT)), options).aggregate();
    }

    static void assertSameLogprobs(JsonNode got, List<TokenLogprob> expected) {
        assertThat(got.size()).isEqualTo(expected.size()).isPositive();
        ResponseShapesTest.assertLogprobs(got, expected);
    }

    @Test
    void langchainChatOpenAiGetsTheLogprobsInvokedAndStreamed() throws Exception {
        JsonNode out = NodeRunner.run("langchain-logprobs.mjs", server.baseUrl(), model.modelName(), KEY, PROMPT);
        AIMessageChunk want = expected(ChatOptions.builder().logprobs(true).topLogprobs(3).temperature(0).build());
        assertThat(out.at("/invoke/content").asText()).isEqualTo(want.content());
        assertSameLogprobs(out.at("/invoke/logprobs"), want.logprobs().content());
        assertThat(out.at("/invoke/finish_reason").asText()).isEqualTo(want.finishReason());
        assertThat(out.at("/stream/content").asText()).isEqualTo(want.content());
        assertSameLogprobs(out.at("/stream/logprobs"), want.logprobs().content());
        // As in the guide: the list starts empty and grows chunk by chunk to the whole answer.
        JsonNode sizes = out.at("/stream/sizes");
        assertThat(sizes.get(0).asInt()).isZero();
        for (int i = 1; i < sizes.size(); i++) {
            assertThat(sizes.get(i).asInt()).isBetween(sizes.get(i - 1).asInt(), sizes.get(i - 1).asInt() + 1);
        }
        assertThat(sizes.get(sizes.size() - 1).asInt()).isEqualTo(want.logprobs().size());
    }

    /**
     * The guide's example names an OpenAI model; a single-model server answers it with its own model
     * (as llama.cpp's does), on both the pinned 0.6.x line and the current 1.x line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tools/npm", "tools/npm-langchain1"})
    void langchainGuideRunsWithOnlyTheBaseUrlChanged(String npmDir) throws Exception {
        JsonNode out = NodeRunner.runWith(npmDir, "langchain-guide.mjs", server.baseUrl(), KEY, PROMPT);
        assertThat(out.at("/version").asText()).startsWith(npmDir.endsWith("1") ? "1." : "0.6.");
        AIMessageChunk want = expected(ChatOptions.builder().logprobs(true).build());
        assertThat(out.at("/invoke/model").asText()).isEqualTo(model.modelName());
        assertThat(out.at("/invoke/logprobs").size()).isEqualTo(want.logprobs().size()).isPositive();
        assertThat(out.at("/stream/logprobs").size()).isEqualTo(want.logprobs().size());
        assertThat(out.at("/invoke/content").asText()).isNotEmpty();
    }

    @Test
    void openAiClientCreatesWithAndWithoutStream() throws Exception {
        // On the --strict-model server, so that its last request, for another model, gets 404.
        JsonNode out = NodeRunner.run("openai-logprobs.mjs", strict.baseUrl(), model.modelName(), KEY, PROMPT);
        AIMessageChunk want = expected(ChatOptions.builder().logprobs(true).topLogprobs(3).temperature(0).seed(7).build());
        assertThat(out.at("/create/object").asText()).isEqualTo("chat.completion");
        assertThat(out.at("/create/content").asText()).isEqualTo(want.content());
        assertSameLogprobs(out.at("/create/logprobs"), want.logprobs().content());
        assertThat(out.at("/create/finish_reason").asText()).isEqualTo(want.finishReason());
        assertThat(out.at("/create/usage/completion_tokens").asLong()).isEqualTo(want.usage().completionTokens());
        assertThat(out.at("/create/usage/prompt_tokens").asLong()).isEqualTo(want.usage().promptTokens());
        assertThat(out.at("/stream/objects").toString()).isEqualTo("[\"chat.completion.chunk\"]");
        assertThat(out.at("/stream/content").asText()).isEqualTo(want.content());
        assertSameLogprobs(out.at("/stream/logprobs"), want.logprobs().content());
        assertThat(out.at("/stream/finish_reason").asText()).isEqualTo(want.finishReason());
        assertThat(out.at("/stream/usage/total_tokens").asLong()).isEqualTo(want.usage().totalTokens());
        assertThat(out.at("/stream/firstLogprobs").toString()).isEqualTo("{\"content\":[],\"refusal\":null}");
        assertThat(out.at("/error/status").asInt()).isEqualTo(404);
        assertThat(out.at("/error/code").asText()).isEqualTo("model_not_found");
    }
}
