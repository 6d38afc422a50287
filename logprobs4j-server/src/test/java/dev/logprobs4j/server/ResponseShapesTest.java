package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Responses and stream chunks have OpenAI's shape, key order included (as in captured OpenAI
 * responses), and carry exactly what the model produced.
 */
class ResponseShapesTest {

    static ScriptedModel model = new ScriptedModel(6);
    static LogprobsServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = LogprobsServer.builder().model(model).alias("gpt-4o-mini").port(0).build().start();
        http = new Http(server, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static final String MESSAGES = "[{\"role\":\"system\",\"content\":\"be brief\"},"
            + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"how are \"},{\"type\":\"text\",\"text\":\"you\"}]}]";

    static String chatBody(String extra) {
        return "{\"model\":\"" + ScriptedModel.NAME + "\",\"messages\":" + MESSAGES + ",\"temperature\":0" + extra + "}";
    }

    /** What the model answers directly for the same conversation and options. */
    static AIMessageChunk direct(ChatOptions options) {
        return model.chat(List.of(Message.system("be brief"), Message.human("how are you")), options).aggregate();
    }

    @Test
    void chatCompletionHasOpenAisShapeAndTheModelsLogprobs() {
        Http.Reply r = http.post("/v1/chat/completions", chatBody(",\"logprobs\":true,\"top_logprobs\":3,\"frequency_penalty\":0,\"user\":\"u\""));
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(Http.fieldNames(body)).containsExactly("id", "object", "created", "model", "choices", "usage", "system_fingerprint");
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.get("id").asText()).startsWith("chatcmpl-");
        assertThat(body.get("model").asText()).isEqualTo(ScriptedModel.NAME);
        JsonNode choice = body.at("/choices/0");
        assertThat(Http.fieldNames(choice)).containsExactly("index", "message", "logprobs", "finish_reason");
        assertThat(Http.fieldNames(choice.get("message"))).containsExactly("role", "content", "refusal");
        assertThat(choice.at("/message/refusal").isNull()).isTrue();
        assertThat(Http.fieldNames(choice.get("logprobs"))).containsExactly("content", "refusal");
        AIMessageChunk expected = direct(ChatOptions.builder().temperature(0).logprobs(true).topLogprobs(3).build());
        assertThat(choice.at("/message/content").asText()).isEqualTo(expected.content());
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertLogprobs(choice.at("/logprobs/content"), expected.logprobs().content());
        assertThat(Http.fieldNames(body.get("usage"))).containsExactly("prompt_tokens", "completion_tokens", "total_tokens");
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(expected.usage().completionTokens());
        assertThat(body.at("/usage/total_tokens").asLong()).isEqualTo(expected.usage().totalTokens());
    }

    static void assertLogprobs(JsonNode content, List<TokenLogprob> expected) {
        assertThat(content.size()).isEqualTo(expected.size()).isPositive();
        for (int i = 0; i < expected.size(); i++) {
            JsonNode t = content.get(i);
            TokenLogprob e = expected.get(i);
            assertThat(Http.fieldNames(t)).containsExactly("token", "logprob", "bytes", "top_logprobs");
            assertThat(t.get("token").asText()).isEqualTo(e.token());
            assertThat(t.get("logprob").asDouble()).isEqualTo(e.logprob());
            assertThat(bytes(t.get("bytes"))).isEqualTo(e.bytes());
            assertThat(t.get("top_logprobs").size()).isEqualTo(e.topLogprobs().size());
            for (int k = 0; k < e.topLogprobs().size(); k++) {
                JsonNode alt = t.get("top_logprobs").get(k);
                assertThat(Http.fieldNames(alt)).containsExactly("token", "logprob", "bytes");
                assertThat(alt.get("token").asText()).isEqualTo(e.topLogprobs().get(k).token());
                assertThat(alt.get("logprob").asDouble()).isEqualTo(e.topLogprobs().get(k).logprob());
                assertThat(bytes(alt.get("bytes"))).isEqualTo(e.topLogprobs().get(k).bytes());
            }
        }
    }

    static byte[] bytes(JsonNode array) {
        byte[] b = new byte[array.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) array.get(i).asInt();
        }
        return b;
    }

    @Test
    void nonAsciiTokensCarryTheirUtf8Bytes() {
        // " café" is in the vocabulary: wherever it appears, bytes are its UTF-8, not its UTF-16.
        Http.Reply r = http.post("/v1/completions", "{\"model\":\"" + ScriptedModel.NAME
                + "\",\"prompt\":\" the café was hot\",\"echo\":true,\"logprobs\":2,\"max_tokens\":1}");
        JsonNode tokens = r.json().at("/choices/0/logprobs/tokens");
        List<String> list = new ArrayList<>();
        tokens.forEach(t -> list.add(t.asText()));
        assertThat(list).startsWith(" the", " café", " was", " hot");
        assertThat(r.json().at("/choices/0/logprobs/text_offset").toString()).startsWith("[0,4,9,13");
        Http.Reply chat = http.post("/v1/chat/completions", chatBody(",\"logprobs\":true,\"max_tokens\":40"));
        for (JsonNode t : chat.json().at("/choices/0/logprobs/content")) {
            assertThat(bytes(t.get("bytes"))).isEqualTo(t.get("token").asText().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void logprobsAreNullWhenNotAsked() {
        JsonNode body = http.post("/v1/chat/completions", chatBody("")).json();
        assertThat(body.at("/choices/0/logprobs").isNull()).isTrue();
        assertThat(body.at("/choices/0/message/content").asText())
                .isEqualTo(direct(ChatOptions.builder().temperature(0).build()).content());
    }

    @Test
    void aliasIsAcceptedAndModelsListsTheModel() {
        assertThat(http.post("/v1/chat/completions", chatBody("").replace(ScriptedModel.NAME, "gpt-4o-mini")).status()).isEqualTo(200);
        JsonNode list = http.get("/v1/models").json();
        assertThat(Http.fieldNames(list)).containsExactly("object", "data");
        assertThat(list.get("object").asText()).isEqualTo("list");
        assertThat(list.get("data").size()).isEqualTo(1);
        assertThat(Http.fieldNames(list.at("/data/0"))).containsExactly("id", "object", "created", "owned_by", "context_length", "max_model_len");
        assertThat(list.at("/data/0/id").asText()).isEqualTo(ScriptedModel.NAME);
        assertThat(list.at("/data/0/object").asText()).isEqualTo("model");
        assertThat(http.get("/v1/models/" + ScriptedModel.NAME).json().get("id").asText()).isEqualTo(ScriptedModel.NAME);
        assertThat(http.get("/health").json().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void streamedChunksHaveOpenAisSequence() {
        Http.Reply r = http.post("/v1/chat/completions",
                chatBody(",\"logprobs\":true,\"top_logprobs\":2,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        List<String> events = r.events();
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = r.chunks();
        String id = chunks.get(0).get("id").asText();
        for (JsonNode c : chunks) {
            assertThat(Http.fieldNames(c)).containsExactly("id", "object", "created", "model", "system_fingerprint", "choices", "usage");
            assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.get("id").asText()).isEqualTo(id);
        }
        JsonNode first = chunks.get(0).at("/choices/0");
        assertThat(Http.fieldNames(first)).containsExactly("index", "delta", "logprobs", "finish_reason");
        assertThat(first.get("delta").toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}");
        assertThat(first.get("logprobs").toString()).isEqualTo("{\"content\":[],\"refusal\":null}");
        assertThat(first.get("finish_reason").isNull()).isTrue();
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.get("choices").size()).isZero();
        assertThat(Http.fieldNames(usage.get("usage"))).containsExactly("prompt_tokens", "completion_tokens", "total_tokens");
        JsonNode finish = chunks.get(chunks.size() - 2).at("/choices/0");
        assertThat(finish.get("delta").toString()).isEqualTo("{}");
        assertThat(finish.get("logprobs").isNull()).isTrue();
        assertThat(finish.get("finish_reason").asText()).isEqualTo("stop");
        for (JsonNode c : chunks.subList(1, chunks.size() - 2)) {
            assertThat(c.get("usage").isNull()).isTrue();
            assertThat(Http.fieldNames(c.at("/choices/0/delta"))).containsExactly("content");
            assertThat(c.at("/choices/0/logprobs/content").size()).isEqualTo(1);
            assertThat(c.at("/choices/0/finish_reason").isNull()).isTrue();
        }
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(chunks.size() - 3);
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageField() {
        List<JsonNode> chunks = http.post("/v1/chat/completions", chatBody(",\"stream\":true")).chunks();
        for (JsonNode c : chunks) {
            assertThat(c.has("usage")).isFalse();
            assertThat(c.at("/choices/0/logprobs").isNull()).isTrue();
        }
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void streamingEqualsNonStreamingForTheSameSeed() {
        for (String sampling : List.of(",\"temperature\":0", ",\"temperature\":0.9,\"seed\":42")) {
            String opts = sampling + ",\"logprobs\":true,\"top_logprobs\":4,\"max_tokens\":5";
            JsonNode whole = http.post("/v1/chat/completions", chatBody(opts).replace(",\"temperature\":0,", ",")).json();
            List<JsonNode> chunks = http.post("/v1/chat/completions", chatBody(opts + ",\"stream\":true").replace(",\"temperature\":0,", ",")).chunks();
            StringBuilder text = new StringBuilder();
            List<JsonNode> logprobs = new ArrayList<>();
            String finish = null;
            for (JsonNode c : chunks) {
                JsonNode ch = c.at("/choices/0");
                text.append(ch.at("/delta/content").asText(""));
                ch.at("/logprobs/content").forEach(logprobs::add);
                if (!ch.path("finish_reason").isNull() && !ch.path("finish_reason").isMissingNode()) {
                    finish = ch.get("finish_reason").asText();
                }
            }
            JsonNode choice = whole.at("/choices/0");
            assertThat(text.toString()).isEqualTo(choice.at("/message/content").asText());
            assertThat(logprobs.toString()).isEqualTo(toList(choice.at("/logprobs/content")).toString());
            assertThat(finish).isEqualTo(choice.get("finish_reason").asText()).isEqualTo("length");
        }
    }

    static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Test
    void nGivesIndexedChoicesAndCountsThePromptOnce() {
        JsonNode body = http.post("/v1/chat/completions", chatBody(",\"n\":3,\"max_tokens\":2")).json();
        assertThat(body.get("choices").size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(body.at("/choices/" + i + "/index").asInt()).isEqualTo(i);
        }
        AIMessageChunk one = direct(ChatOptions.builder().temperature(0).maxTokens(2).build());
        assertThat(body.at("/usage/prompt_tokens").asLong()).isEqualTo(one.usage().promptTokens());
        assertThat(body.at("/usage/completion_tokens").asLong()).isEqualTo(6);
    }

    @Test
    void stopEndsTheAnswerWithStop() {
        String full = direct(ChatOptions.builder().temperature(0).build()).content();
        String[] words = full.split(" ");
        String stop = " " + words[2]; // the second word of the answer
        JsonNode body = http.post("/v1/chat/completions", chatBody(",\"stop\":[\"" + stop + "\"]")).json();
        assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(body.at("/choices/0/message/content").asText().length()).isLessThan(full.length());
    }

    @Test
    void completionsEchoPromptLogprobsTheLegacyWay() {
        String prompt = " the cat sat on a mat";
        JsonNode body = http.post("/v1/completions", "{\"model\":\"" + ScriptedModel.NAME + "\",\"prompt\":\"" + prompt
                + "\",\"echo\":true,\"logprobs\":2,\"max_tokens\":3,\"temperature\":0}").json();
        assertThat(Http.fieldNames(body)).containsExactly("id", "object", "created", "model", "choices", "usage");
        assertThat(body.get("object").asText()).isEqualTo("text_completion");
        JsonNode choice = body.at("/choices/0");
        assertThat(Http.fieldNames(choice)).containsExactly("text", "index", "logprobs", "finish_reason");
        assertThat(choice.get("text").asText()).startsWith(prompt);
        JsonNode lp = choice.get("logprobs");
        assertThat(Http.fieldNames(lp)).containsExactly("tokens", "token_logprobs", "top_logprobs", "text_offset");
        PromptLogprobs score = model.score(prompt, 2);
        int promptTokens = score.unscored().size() + score.scored().size();
        assertThat(lp.get("tokens").size()).isEqualTo(promptTokens + 3);
        assertThat(lp.at("/token_logprobs/0").isNull()).isTrue();
        assertThat(lp.at("/top_logprobs/0").isNull()).isTrue();
        assertThat(lp.at("/text_offset/0").asInt()).isZero();
        for (int i = 0; i < score.scored().size(); i++) {
            TokenLogprob t = score.scored().content().get(i);
            assertThat(lp.at("/tokens/" + (i + 1)).asText()).isEqualTo(t.token());
            assertThat(lp.at("/token_logprobs/" + (i + 1)).asDouble()).isEqualTo(t.logprob());
            JsonNode top = lp.at("/top_logprobs/" + (i + 1));
            assertThat(Http.fieldNames(top)).containsExactly(t.topLogprobs().get(0).token(), t.topLogprobs().get(1).token());
            assertThat(top.get(t.topLogprobs().get(0).token()).asDouble()).isEqualTo(t.topLogprobs().get(0).logprob());
        }
        // Offsets run over the echoed text: each token starts where the previous one ended.
        String text = choice.get("text").asText();
        for (int i = 0; i < lp.get("tokens").size(); i++) {
            String token = lp.at("/tokens/" + i).asText();
            assertThat(text.substring(lp.at("/text_offset/" + i).asInt())).startsWith(token);
        }
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void completionsWithoutEchoOffsetAfterThePromptAndDefaultTo16Tokens() {
        ScriptedModel longer = new ScriptedModel(100);
        try (LogprobsServer s = LogprobsServer.builder().model(longer).port(0).build().start()) {
            Http h = new Http(s, null);
            JsonNode body = h.post("/v1/completions", "{\"model\":\"" + ScriptedModel.NAME
                    + "\",\"prompt\":\"abc\",\"logprobs\":0,\"temperature\":0}").json();
            JsonNode lp = body.at("/choices/0/logprobs");
            assertThat(lp.get("tokens").size()).isEqualTo(16);
            assertThat(lp.at("/text_offset/0").asInt()).isEqualTo(3);
            assertThat(lp.at("/top_logprobs/0").toString()).isEqualTo("{}");
            assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
            List<JsonNode> chunks = h.post("/v1/completions", "{\"model\":\"" + ScriptedModel.NAME
                    + "\",\"prompt\":\"abc\",\"logprobs\":1,\"temperature\":0,\"max_tokens\":4,\"stream\":true}").chunks();
            StringBuilder text = new StringBuilder();
            for (JsonNode c : chunks) {
                assertThat(c.get("object").asText()).isEqualTo("text_completion");
                text.append(c.at("/choices/0/text").asText());
            }
            assertThat(text.toString()).isEqualTo(h.post("/v1/completions", "{\"model\":\"" + ScriptedModel.NAME
                    + "\",\"prompt\":\"abc\",\"temperature\":0,\"max_tokens\":4}").json().at("/choices/0/text").asText());
            assertThat(chunks.get(0).at("/choices/0/logprobs/text_offset/0").asInt()).isEqualTo(3); // no echo: the first chunk is the first token
            assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("length");
        }
    }
}
