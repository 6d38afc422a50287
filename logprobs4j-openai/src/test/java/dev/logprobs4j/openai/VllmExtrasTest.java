package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Json;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** vLLM's extras: prompt_logprobs read typed, and the legacy completions endpoint with echo. */
class VllmExtrasTest {

    private final OpenAiServer server = new OpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private static TopLogprob top(String token, double logprob) {
        return new TopLogprob(token, token.getBytes(StandardCharsets.UTF_8), logprob);
    }

    private static TopLogprob top(String token, double logprob, int id, int rank) {
        return new TopLogprob(token, token.getBytes(StandardCharsets.UTF_8), logprob, id, rank);
    }

    @Test
    void promptLogprobsAreSentAndReadTypedWithTheUnscoredFirstTokenLeftOut() {
        server.replyFixture("vllm/chat-prompt-logprobs.json");
        OpenAiChatModel llm = server.model().model("meta-llama/Llama-3.2-1B").vllm(true).build();

        AIMessage msg = llm.invoke(List.of(Message.human("Paris is the capital of")),
                VllmPromptLogprobs.options(1).merge(ChatOptions.builder().maxTokens(1).build()));

        assertThat(Fixtures.parse(server.onlyRequest().bodyText()).get("prompt_logprobs").asInt()).isEqualTo(1);
        assertThat(VllmPromptLogprobs.has(msg)).isTrue();
        Logprobs prompt = VllmPromptLogprobs.of(msg);
        assertThat(prompt.size()).isEqualTo(5); // six prompt tokens, the first unscored
        // Position 1: the prompt token " Paris" (rank 2261) comes first in vLLM's map; alternatives go by rank.
        // Ids are vLLM's keys.
        assertThat(prompt.content().get(0)).isEqualTo(new TokenLogprob(" Paris", " Paris".getBytes(StandardCharsets.UTF_8), -11.40625,
                List.of(top(" The", -2.15625, 578, 1), top("I", -2.90625, 40, 2), top(" Paris", -11.40625, 9906, 2261)), 9906, 2261));
        assertThat(prompt.content().get(1)).isEqualTo(new TokenLogprob(" is", " is".getBytes(StandardCharsets.UTF_8), -0.5703125,
                List.of(top(" is", -0.5703125, 374, 1), top(",", -2.1953125, 11, 2)), 374, 1));
        StringBuilder joined = new StringBuilder();
        prompt.content().forEach(t -> joined.append(t.token()));
        assertThat(joined.toString()).isEqualTo(" Paris is the capital of");
        assertThat(prompt.totalLogprob()).isEqualTo(-11.40625 - 0.5703125 - 0.0301513671875 - 0.0157470703125 - 0.00115966796875);
        assertThat(msg.content()).isEqualTo(" France");
        assertThat(msg.hasLogprobs()).isFalse();
        assertThat(msg.responseMetadata()).containsKey("prompt_logprobs");
        assertThat(llm.capabilities().promptLogprobs()).isTrue();
        assertThat(server.model().build().capabilities().promptLogprobs()).isFalse();
    }

    @Test
    void answersWithoutPromptLogprobsSayHowToAskForThem() {
        server.replyFixture("reference-logprobs.json");
        AIMessage msg = server.model().build().invoke("x");
        assertThat(VllmPromptLogprobs.has(msg)).isFalse();
        assertThatThrownBy(() -> VllmPromptLogprobs.of(msg)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the answer has no prompt_logprobs: ask vLLM for them with VllmPromptLogprobs.options(k)");
        assertThatThrownBy(() -> VllmPromptLogprobs.options(21)).isInstanceOf(IllegalArgumentException.class);
    }

    private OpenAiCompletionModel completion() {
        return OpenAiCompletionModel.builder().model("Intel/Qwen3-Coder-Next-int4-AutoRound").baseUrl(server.baseUrl())
                .env(n -> null).vllm(true).echo(true).build()
                .bind(ChatOptions.builder().logprobs(true).topLogprobs(5).maxTokens(1).build());
    }

    @Test
    void echoCompletionSendsPromptLogprobsAndEchoAndMapsTheLegacyShape() {
        server.replyFixture("completions/vllm-echo.json");

        AIMessage msg = completion().invoke("The step of boiling water is: ");

        assertThat(server.onlyRequest().uri()).isEqualTo("/v1/completions");
        assertThat(Fixtures.parse(server.onlyRequest().bodyText()).toString()).isEqualTo("{\"model\":\"Intel/Qwen3-Coder-Next-int4-AutoRound\","
                + "\"prompt\":\"The step of boiling water is: \",\"logprobs\":5,\"echo\":true,\"max_tokens\":1}");
        assertThat(msg.content()).isEqualTo("The step of boiling water is: 1");
        // "The" has token_logprobs null (nothing precedes it): left out; the eight scored tokens follow.
        Logprobs lp = msg.logprobs();
        assertThat(lp.size()).isEqualTo(8);
        JsonNode legacy = Fixtures.tree("completions/vllm-echo.json").get("choices").get(0).get("logprobs");
        for (int i = 0; i < 8; i++) {
            assertThat(lp.content().get(i).token()).isEqualTo(legacy.get("tokens").get(i + 1).asText());
            assertThat(lp.content().get(i).logprob()).isEqualTo(legacy.get("token_logprobs").get(i + 1).asDouble());
            assertThat(lp.content().get(i).bytes()).isEqualTo(legacy.get("tokens").get(i + 1).asText().getBytes(StandardCharsets.UTF_8));
        }
        // " step" was not among the five most likely: vLLM adds it as a sixth entry; most likely first.
        assertThat(lp.content().get(0).topLogprobs()).containsExactly(top(" is", -0.7875133752822876), top(" ", -1.9750133752822876),
                top(" are", -2.600013256072998), top(" type", -4.100013256072998), top(":", -4.350013256072998),
                top(" step", -8.818763732910156));
        assertThat(lp.content().get(2).topLogprobs().get(0)).isEqualTo(top(" the", -0.23177461326122284));
        assertThat(lp.content().get(7)).isEqualTo(new TokenLogprob("1", new byte[] {49}, -0.41059786081314087,
                List.of(top("1", -0.41059786081314087))));
        assertThat(msg.finishReason()).isEqualTo("length");
        assertThat(msg.usage()).isEqualTo(new Usage(8, 1, 9));
        assertThat(msg.info().id()).isEqualTo("cmpl-8c16f81d43846721");
    }

    @Test
    void echoStreamStartsWithEmptyLogprobsThenThePromptThenTheToken() {
        server.reply(OpenAiServer.eventByEvent(OpenAiServer.fixture(200, "completions/vllm-echo-stream.sse")));
        server.replyFixture("completions/vllm-echo.json");

        List<Integer> sizes = new ArrayList<>();
        List<String> printed = new ArrayList<>();
        AIMessageChunk full = null;
        try (ChatStream s = completion().stream("The step of boiling water is: ")) {
            for (AIMessageChunk chunk : s) {
                full = full == null ? chunk : full.add(chunk);
                sizes.add(full.logprobs().size());
                printed.add(Json.write(full.responseMetadata().get("logprobs")));
            }
        }
        AIMessage invoked = completion().invoke("The step of boiling water is: ");

        assertThat(sizes).containsExactly(0, 7, 8, 8); // [], the echoed prompt, "1", the usage-only chunk
        assertThat(printed.get(0)).isEqualTo("{\"content\": []}");
        assertThat(full.logprobs()).isEqualTo(invoked.logprobs());
        assertThat(full.content()).isEqualTo(invoked.content());
        assertThat(full.finishReason()).isEqualTo("length");
        assertThat(full.usage()).isEqualTo(new Usage(8, 1, 9));
        JsonNode body = Fixtures.parse(server.requests().get(0).bodyText());
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
    }

    @Test
    void completionCapabilitiesFollowTheVllmFlag() {
        OpenAiCompletionModel openAi = OpenAiCompletionModel.builder().model("gpt-3.5-turbo-instruct").baseUrl(server.baseUrl())
                .env(n -> null).build();
        assertThat(openAi.capabilities()).isEqualTo(OpenAiCompletionModel.COMPLETIONS_CAPABILITIES);
        assertThat(openAi.capabilities().maxTopLogprobs()).isEqualTo(5);
        assertThat(completion().capabilities()).isEqualTo(OpenAiChatModel.VLLM_CAPABILITIES);
        assertThat(completion().echo()).isTrue();
        assertThatThrownBy(() -> openAi.invoke(List.of(Message.human("x")), ChatOptions.builder().logprobs(true).topLogprobs(6).build()))
                .isInstanceOf(dev.logprobs4j.UnsupportedCapabilityException.class);
        assertThat(server.requests()).isEmpty();
    }
}
