package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server over the real engine (stories260K): what clients read is what LocalChatModel returns. */
class LocalModelServerTest {

    static LocalChatModel local;
    static LogprobsServer server;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        local = Stories.model();
        server = LogprobsServer.builder().model(local).port(0).maxConcurrent(2).build().start();
        http = new Http(server, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String chat(String extra) {
        return "{\"model\":\"" + local.modelName() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]" + extra + "}";
    }

    @Test
    void chatOverHttpEqualsTheLocalModel() {
        AIMessage want = local.invoke(List.of(Message.human("Once upon a time")),
                ChatOptions.builder().temperature(0).maxTokens(20).logprobs(true).topLogprobs(3).build());
        JsonNode body = http.post("/v1/chat/completions", chat(",\"temperature\":0,\"max_tokens\":20,\"logprobs\":true,\"top_logprobs\":3")).json();
        assertThat(body.at("/model").asText()).isEqualTo(local.modelName());
        assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(want.content()).isNotEmpty();
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo(want.finishReason());
        ResponseShapesTest.assertLogprobs(body.at("/choices/0/logprobs/content"), want.logprobs().content());
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(want.usage().promptTokens());
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(want.usage().completionTokens());
    }

    @Test
    void streamingEqualsNonStreamingOnTheEngine() {
        String opts = ",\"temperature\":0.8,\"seed\":11,\"max_tokens\":24,\"logprobs\":true,\"top_logprobs\":2";
        JsonNode whole = http.post("/v1/chat/completions", chat(opts)).json().at("/choices/0");
        StringBuilder text = new StringBuilder();
        List<JsonNode> lps = new ArrayList<>();
        for (JsonNode c : http.post("/v1/chat/completions", chat(opts + ",\"stream\":true")).chunks()) {
            text.append(c.at("/choices/0/delta/content").asText(""));
            c.at("/choices/0/logprobs/content").forEach(lps::add);
        }
        assertThat(text.toString()).isEqualTo(whole.at("/message/content").asText());
        assertThat(lps.toString()).isEqualTo(ResponseShapesTest.toList(whole.at("/logprobs/content")).toString());
    }

    @Test
    void echoListsBosThenThePromptTokensScored() {
        JsonNode lp = http.post("/v1/completions", "{\"model\":\"" + local.modelName()
                + "\",\"prompt\":\"Once upon a time\",\"echo\":true,\"logprobs\":2,\"max_tokens\":1,\"temperature\":0}").json()
                .at("/choices/0/logprobs");
        PromptScore score = local.score("Once upon a time", 2);
        assertThat(lp.at("/token_logprobs/0").isNull()).isTrue();
        assertThat(lp.at("/top_logprobs/0").isNull()).isTrue();
        assertThat(lp.at("/text_offset/0").asInt()).isZero();
        assertThat(lp.get("tokens").size()).isEqualTo(1 + score.scored().size() + 1);
        for (int i = 0; i < score.scored().size(); i++) {
            assertThat(lp.at("/tokens/" + (i + 1)).asText()).isEqualTo(score.scored().content().get(i).token());
            assertThat(lp.at("/token_logprobs/" + (i + 1)).asDouble()).isEqualTo(score.scored().content().get(i).logprob());
        }
        assertThat(lp.at("/text_offset/1").asInt()).as("BOS takes no room in the text").isZero();
    }

    /**
     * OpenAI's legacy API defines text_offset as indexes into the returned text. SentencePiece's
     * hidden leading space ("Once" is the token " Once") once pushed every later offset one too far.
     */
    @Test
    void echoTextOffsetsIndexIntoTheReturnedText() {
        String req = "{\"model\":\"" + local.modelName() + "\",\"prompt\":\"Once upon a time\",\"echo\":true,"
                + "\"logprobs\":1,\"max_tokens\":6,\"temperature\":0";
        JsonNode choice = http.post("/v1/completions", req + "}").json().at("/choices/0");
        assertOffsetsIndexInto(choice.get("text").asText(), choice.at("/logprobs/tokens"), choice.at("/logprobs/text_offset"));

        StringBuilder text = new StringBuilder();
        List<JsonNode> tokens = new ArrayList<>();
        List<JsonNode> offsets = new ArrayList<>();
        for (JsonNode c : http.post("/v1/completions", req + ",\"stream\":true}").chunks()) {
            text.append(c.at("/choices/0/text").asText(""));
            c.at("/choices/0/logprobs/tokens").forEach(tokens::add);
            c.at("/choices/0/logprobs/text_offset").forEach(offsets::add);
        }
        assertThat(text.toString()).isEqualTo(choice.get("text").asText());
        assertOffsetsIndexInto(text.toString(), Http.JSON.valueToTree(tokens), Http.JSON.valueToTree(offsets));
    }

    /** Token i (after BOS) is the text from its offset to the next one, but for the hidden space of the first word. */
    private static void assertOffsetsIndexInto(String text, JsonNode tokens, JsonNode offsets) {
        assertThat(text).startsWith("Once upon a time");
        assertThat(offsets.size()).isEqualTo(tokens.size()).isGreaterThan(4);
        assertThat(offsets.get(1).asInt()).isZero();
        for (int i = 1; i < tokens.size(); i++) {
            int from = offsets.get(i).asInt();
            int to = i + 1 < tokens.size() ? offsets.get(i + 1).asInt() : text.length();
            String token = tokens.get(i).asText();
            String covered = text.substring(from, to);
            assertThat(i == 1 ? " " + covered : covered).as("token %d %s at [%d, %d)", i, token, from, to).isEqualTo(token);
        }
        assertThat(text.substring(offsets.get(2).asInt())).startsWith(" upon");
    }

    @Test
    void aPromptTooLongForTheContextIs400ContextLengthExceededInTheClientsTerms() {
        String longPrompt = "Once upon a time ".repeat(600);
        JsonNode e = http.post("/v1/completions", "{\"model\":\"x\",\"prompt\":\"" + longPrompt + "\",\"max_tokens\":1}").json().get("error");
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("param").asText()).isEqualTo("prompt");
        assertThat(e.get("message").asText()).contains("but the context holds", "--context").doesNotContain("contextLength(");
        JsonNode c = http.post("/v1/chat/completions", "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + longPrompt + "\"}]}").json().get("error");
        assertThat(c.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(c.get("param").asText()).isEqualTo("messages");
    }

    @Test
    void logitBiasBansAndForcesTokensButLeavesLogprobsTheModels() {
        String base = "{\"model\":\"x\",\"prompt\":\"Once upon a time\",\"max_tokens\":1,\"temperature\":0,\"logprobs\":5";
        JsonNode plain = http.post("/v1/completions", base + "}").json().at("/choices/0");
        String first = plain.at("/logprobs/tokens/0").asText();
        JsonNode banned = http.post("/v1/completions", base + ",\"logit_bias\":" + biasOn(first, -100) + "}").json().at("/choices/0");
        assertThat(banned.at("/logprobs/tokens/0").asText()).isNotEqualTo(first);
        // The fifth most likely first token, pushed to the top.
        String fifth = plain.at("/logprobs/top_logprobs/0").fieldNames().hasNext()
                ? java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(
                        plain.at("/logprobs/top_logprobs/0").fieldNames(), 0), false).reduce((a, b) -> b).orElseThrow() : null;
        JsonNode forcedReply = http.post("/v1/completions", base + ",\"logit_bias\":" + biasOn(fifth, 100) + "}").json();
        JsonNode forced = forcedReply.at("/choices/0");
        assertThat(forced.at("/logprobs/tokens/0").asText()).as(forcedReply.toString()).isEqualTo(fifth).isNotEqualTo(first);
        // The logprob reported is the model's own, below the greedy token's.
        assertThat(forced.at("/logprobs/token_logprobs/0").asDouble()).isLessThan(plain.at("/logprobs/token_logprobs/0").asDouble());
        JsonNode bad = http.post("/v1/completions", base + ",\"logit_bias\":{\"99999999\":5}}").json().get("error");
        assertThat(bad.get("param").asText()).isEqualTo("logit_bias");
        assertThat(bad.get("message").asText()).contains("99999999");
    }

    /** A logit_bias object giving {@code bias} to every token shown as {@code text} (a byte token may look like a text token). */
    private static String biasOn(String text, int bias) {
        StringBuilder json = new StringBuilder("{");
        for (int id = 0; id < 1 << 20; id++) {
            String shown;
            try {
                shown = local.tokenText(id);
            } catch (RuntimeException pastTheVocabulary) {
                break;
            }
            if (shown.equals(text)) {
                json.append(json.length() > 1 ? "," : "").append('"').append(id).append("\":").append(bias);
            }
        }
        assertThat(json.length()).as("a token shown as %s", text).isGreaterThan(1);
        return json.append('}').toString();
    }
}
