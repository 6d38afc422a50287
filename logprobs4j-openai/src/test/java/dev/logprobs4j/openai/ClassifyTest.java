package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.LabelScorer;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Label scoring over OpenAI-compatible servers, replayed: vLLM prompt_logprobs, echo, and the lower-bound fallback. */
class ClassifyTest {

    private final ReplayServer server = ReplayServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static Reply fixture(String name) {
        return Reply.json(Fixtures.bytes(name));
    }

    @Test
    void echoScoresEveryLabelFromThePromptTokensAfterTheSharedOnes() {
        server.route("POST", "/v1/completions", fixture("classify/vllm-echo-prompt.json"), fixture("classify/vllm-echo-water.json"),
                fixture("classify/vllm-echo-water-is.json"));
        OpenAiCompletionModel llm = OpenAiCompletionModel.builder().model("Intel/Qwen3-Coder-Next-int4-AutoRound")
                .baseUrl(server.baseUrl() + "/v1").env(n -> null).vllm(true).build();

        LabelScores scores = llm.classify("The step of boiling", List.of(" water", " water is:"));

        assertThat(scores.method()).isEqualTo(LabelScores.Method.EXACT);
        assertThat(scores.get(" water").logprob()).isEqualTo(-2.0115487575531006);
        assertThat(scores.get(" water").tokens()).isEqualTo(1);
        assertThat(scores.get(" water is:").logprob()).isCloseTo(-2.0115487575531006 - 2.2331151962280273 - 8.53701114654541,
                Offset.offset(1e-12));
        assertThat(scores.get(" water is:").tokens()).isEqualTo(3);
        assertThat(scores.get(" water").probability() + scores.get(" water is:").probability()).isCloseTo(1, Offset.offset(1e-12));
        // the requests: the prompt, then the prompt with each label, echoed, with the prompt tokens' logprobs
        assertThat(server.requests()).hasSize(3);
        List<String> prompts = server.requests().stream().map(r -> Fixtures.parse(r.bodyText()).get("prompt").asText()).toList();
        assertThat(prompts).containsExactly("The step of boiling", "The step of boiling water", "The step of boiling water is:");
        for (var r : server.requests()) {
            JsonNode body = Fixtures.parse(r.bodyText());
            assertThat(body.get("echo").asBoolean()).isTrue();
            assertThat(body.get("logprobs").asInt()).isZero();
            assertThat(body.get("max_tokens").asInt()).isEqualTo(1);
        }
    }

    @Test
    void vllmPromptLogprobsScoreLabelsAsTheAssistantsAnswerWithRanks() {
        server.route("POST", "/v1/chat/completions", fixture("classify/vllm-chat-prompt.json"), fixture("classify/vllm-chat-paris.json"),
                fixture("classify/vllm-chat-lyon.json"));
        OpenAiChatModel llm = OpenAiChatModel.builder().model("meta-llama/Llama-3.2-1B-Instruct").baseUrl(server.baseUrl() + "/v1")
                .env(n -> null).vllm(true).build();

        LabelScores scores = LabelScorer.classify(llm, List.of(Message.human("What is the capital of France?")), List.of("Paris", "Lyon"));

        assertThat(scores.method()).isEqualTo(LabelScores.Method.EXACT);
        assertThat(scores.get("Paris").logprob()).isEqualTo(-0.046875);
        assertThat(scores.get("Paris").firstTokenRank()).isEqualTo(1);
        assertThat(scores.get("Lyon").logprob()).isEqualTo(-6.1875 - 0.015625);
        assertThat(scores.get("Lyon").tokens()).isEqualTo(2);
        assertThat(scores.get("Lyon").firstTokenRank()).isEqualTo(37); // outside any top-20
        assertThat(scores.best().label()).isEqualTo("Paris");
        List<String> answers = server.requests().stream()
                .map(r -> Fixtures.parse(r.bodyText()).get("messages").get(1).get("content").asText()).toList();
        assertThat(answers).containsExactly("", "Paris", "Lyon");
        for (var r : server.requests()) {
            JsonNode body = Fixtures.parse(r.bodyText());
            assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("assistant");
            assertThat(body.get("continue_final_message").asBoolean()).isTrue();
            assertThat(body.get("add_generation_prompt").asBoolean()).isFalse();
            assertThat(body.get("prompt_logprobs").asInt()).isZero();
        }
    }

    @Test
    void vllmPromptLogprobsCarryTokenIdsAndRanks() {
        server.route("POST", "/v1/chat/completions", fixture("classify/vllm-chat-lyon.json"));
        OpenAiChatModel llm = OpenAiChatModel.builder().model("m").baseUrl(server.baseUrl() + "/v1").env(n -> null).vllm(true).build();
        var tokens = VllmPromptLogprobs.of(llm.invoke(List.of(Message.human("x")), VllmPromptLogprobs.options(0))).content();
        var ly = tokens.get(tokens.size() - 2);
        assertThat(ly.token()).isEqualTo("Ly");
        assertThat(ly.tokenId()).isEqualTo(43);
        assertThat(ly.rank()).isEqualTo(37);
        assertThat(ly.topLogprobs().get(0).tokenId()).isEqualTo(43);
    }

    @Test
    void otherServersGiveLowerBoundsFromTheFirstTokenWithTheUnseenMass() {
        server.route("POST", "/v1/chat/completions", fixture("reference-logprobs.json"));
        OpenAiChatModel llm = OpenAiChatModel.builder().model("gpt-4o-mini").baseUrl(server.baseUrl() + "/v1").env(n -> null).build();

        LabelScores scores = llm.classify("Say hello", List.of("Hello", "Hi there", "Hey"));

        assertThat(scores.isLowerBound()).isTrue();
        assertThat(scores.get("Hello").logprob()).isCloseTo(-0.31725305, Offset.offset(1e-12));
        assertThat(scores.get("Hi there").logprob()).isCloseTo(-1.3190403, Offset.offset(1e-12));
        assertThat(scores.get("Hey").logprob()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(scores.unseenMass()).isCloseTo(1 - Math.exp(-0.31725305) - Math.exp(-1.3190403), Offset.offset(1e-12));
        JsonNode body = Fixtures.parse(server.onlyRequest().bodyText());
        assertThat(body.get("top_logprobs").asInt()).isEqualTo(20);
        assertThat(body.get("logprobs").asBoolean()).isTrue();
    }
}
