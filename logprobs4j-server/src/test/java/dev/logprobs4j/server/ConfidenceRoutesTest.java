package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.local.LocalChatModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The logprobs4j extensions: POST /v1/classify and the logprobs_token_ids field, over the real engine. */
class ConfidenceRoutesTest {

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

    private String model() {
        return "\"model\":\"" + local.modelName() + "\"";
    }

    @Test
    void classifyReturnsWhatTheLocalModelComputes() {
        List<String> labels = List.of(" girl", " boy", " lion");
        LabelScores want = local.classify("Once upon a time, there was a little", labels);
        Http.Reply reply = http.post("/v1/classify", "{" + model()
                + ",\"prompt\":\"Once upon a time, there was a little\",\"labels\":[\" girl\",\" boy\",\" lion\"]}");
        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(Http.fieldNames(body)).containsExactly("object", "model", "method", "unseen_mass", "labels");
        assertThat(body.get("method").asText()).isEqualTo("exact");
        for (int i = 0; i < labels.size(); i++) {
            JsonNode l = body.get("labels").get(i);
            assertThat(Http.fieldNames(l)).containsExactly("label", "logprob", "probability", "tokens", "first_token_rank");
            assertThat(l.get("label").asText()).isEqualTo(labels.get(i));
            assertThat(l.get("logprob").asDouble()).isEqualTo(want.labels().get(i).logprob());
            assertThat(l.get("probability").asDouble()).isEqualTo(want.labels().get(i).probability());
            assertThat(l.get("tokens").asInt()).isEqualTo(want.labels().get(i).tokens());
            assertThat(l.get("first_token_rank").asInt()).isEqualTo(want.labels().get(i).firstTokenRank());
        }
    }

    @Test
    void classifyWithMessagesUsesTheChatPath() {
        JsonNode body = http.post("/v1/classify", "{" + model()
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],\"labels\":[\",\",\" there\"]}").json();
        LabelScores want = local.classify(List.of(Message.human("Once upon a time")), List.of(",", " there"));
        assertThat(body.at("/labels/0/logprob").asDouble()).isEqualTo(want.labels().get(0).logprob());
    }

    @Test
    void classifyErrorsNameTheField() {
        Http.Reply r = http.post("/v1/classify", "{" + model() + ",\"prompt\":\"x\",\"labels\":[\"a\",\"a\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("labels[1]");
        assertThat(r.json().at("/error/message").asText()).isEqualTo("Invalid 'labels[1]': 'a' is given twice.");
        r = http.post("/v1/classify", "{" + model() + ",\"labels\":[\"a\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).isEqualTo("Give either 'prompt' (raw text) or 'messages' (a conversation), not neither.");
        r = http.post("/v1/classify", "{" + model() + ",\"prompt\":\"x\",\"labels\":\"a\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("labels");
    }

    @Test
    void tokenIdsAreAnOptInExtensionOfTheLogprobs() {
        String base = "{" + model() + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],"
                + "\"temperature\":0,\"max_tokens\":6,\"logprobs\":true,\"top_logprobs\":2";
        AIMessage want = local.invoke(List.of(Message.human("Once upon a time")),
                ChatOptions.builder().temperature(0).maxTokens(6).logprobs(true).topLogprobs(2).build());
        JsonNode off = http.post("/v1/chat/completions", base + "}").json().at("/choices/0/logprobs/content/0");
        assertThat(Http.fieldNames(off)).containsExactly("token", "logprob", "bytes", "top_logprobs");

        JsonNode content = http.post("/v1/chat/completions", base + ",\"logprobs_token_ids\":true}").json().at("/choices/0/logprobs/content");
        for (int i = 0; i < want.logprobs().size(); i++) {
            TokenLogprob t = want.logprobs().content().get(i);
            JsonNode got = content.get(i);
            assertThat(Http.fieldNames(got)).containsExactly("token", "logprob", "bytes", "token_id", "rank", "top_logprobs");
            assertThat(got.get("token_id").asInt()).isEqualTo(t.tokenId());
            assertThat(got.get("rank").asInt()).isEqualTo(1); // greedy: the most likely token
            assertThat(got.at("/top_logprobs/1/token_id").asInt()).isEqualTo(t.topLogprobs().get(1).tokenId());
            assertThat(got.at("/top_logprobs/1/rank").asInt()).isEqualTo(2);
        }
        List<Integer> streamed = new ArrayList<>();
        for (JsonNode c : http.post("/v1/chat/completions", base + ",\"stream\":true,\"logprobs_token_ids\":true}").chunks()) {
            c.at("/choices/0/logprobs/content").forEach(t -> streamed.add(t.get("token_id").asInt()));
        }
        assertThat(streamed).isEqualTo(want.logprobs().content().stream().map(TokenLogprob::tokenId).toList());
    }

    @Test
    void tokenIdsNeedLogprobs() {
        Http.Reply r = http.post("/v1/chat/completions", "{" + model()
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"logprobs_token_ids\":true}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/param").asText()).isEqualTo("logprobs_token_ids");
    }
}
