package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.local.LocalChatModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code response_format} on the engine: JSON that parses and follows the schema, the forced extension, clear 400s. */
class ResponseFormatServerTest {

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

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"mood\":{\"enum\":[\"happy\",\"sad\"]},"
            + "\"age\":{\"type\":\"integer\"}},\"required\":[\"mood\",\"age\"]}";

    @Test
    void jsonSchemaAnswersParseAndFollowTheSchemaWithForcedTokensMarked() throws Exception {
        String req = chat(",\"temperature\":0,\"max_tokens\":60,\"logprobs\":true,\"logprobs_forced\":true,"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"m\",\"schema\":" + SCHEMA + "}}");
        JsonNode body = http.post("/v1/chat/completions", req).json();
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        JsonNode answer = new ObjectMapper().readTree(body.at("/choices/0/message/content").asText());
        assertThat(answer.at("/mood").asText()).isIn("happy", "sad");
        assertThat(answer.at("/age").isIntegralNumber()).isTrue();
        int forced = 0;
        for (JsonNode t : body.at("/choices/0/logprobs/content")) {
            assertThat(t.has("forced")).isTrue();
            if (t.get("forced").asBoolean()) {
                forced++;
                assertThat(t.get("logprob").asDouble()).isLessThan(0.0); // the raw value, not a masked 0.0
            }
        }
        assertThat(forced).isPositive();
        // Without the opt-in the OpenAI shape is unchanged.
        JsonNode plain = http.post("/v1/chat/completions", req.replace("\"logprobs_forced\":true,", "")).json();
        assertThat(plain.at("/choices/0/logprobs/content/0").has("forced")).isFalse();
        assertThat(plain.at("/choices/0/message/content")).isEqualTo(body.at("/choices/0/message/content"));
    }

    @Test
    void jsonObjectIsAcceptedAndUnsupportedKeywordsAre400sNamingThem() {
        JsonNode ok = http.post("/v1/chat/completions", chat(",\"temperature\":0,\"max_tokens\":5,\"response_format\":{\"type\":\"json_object\"}"))
                .json();
        assertThat(ok.at("/choices/0/message/content").asText()).startsWith("{");
        Http.Reply bad = http.post("/v1/chat/completions", chat(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":"
                + "{\"name\":\"x\",\"schema\":{\"type\":\"string\",\"pattern\":\"a+\"}}}"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().at("/error/message").asText()).contains("'pattern'");
        Http.Reply badType = http.post("/v1/chat/completions", chat(",\"response_format\":{\"type\":\"yaml\"}"));
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.json().at("/error/param").asText()).isEqualTo("response_format.type");
    }
}
