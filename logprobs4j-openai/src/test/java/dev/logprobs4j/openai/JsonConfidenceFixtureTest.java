package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.JsonConfidence;
import dev.logprobs4j.JsonConfidence.Field;
import dev.logprobs4j.JsonConfidence.Kind;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JsonConfidence on a recorded answer whose tokens split multi-byte characters, invoked and streamed through the OpenAI reader. */
class JsonConfidenceFixtureTest {

    private final ReplayServer server = ReplayServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChatModel model() {
        return OpenAiChatModel.builder().model("llama").baseUrl(server.baseUrl() + "/v1").env(n -> null).build()
                .bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
    }

    @Test
    void recordedAnswerGivesEveryFieldWithExactBytesInvokedAndStreamed() {
        server.route("POST", "/v1/chat/completions", Reply.json(Fixtures.bytes("json/stories-json-answer.json")),
                Reply.streamed("text/event-stream", Fixtures.bytes("json/stories-json-answer.sse")));
        AIMessage invoked = model().invoke("answer in JSON");
        AIMessageChunk full = AIMessageChunk.empty();
        try (ChatStream stream = model().stream("answer in JSON")) {
            for (AIMessageChunk c : stream) {
                full = full.add(c);
            }
        }
        JsonConfidence c = JsonConfidence.of(invoked);
        assertThat(JsonConfidence.of(full)).isEqualTo(c);
        assertThat(JsonConfidence.of(full.toMessage())).isEqualTo(c);
        assertThat(c.error()).isEmpty();
        assertThat(c.text()).isEqualTo(invoked.content());

        assertThat(c.fields()).filteredOn(f -> f.kind() != Kind.KEY).extracting(Field::path, Field::kind, Field::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("$.name", Kind.STRING, "Zoë 😀"),
                org.assertj.core.groups.Tuple.tuple("$.age", Kind.NUMBER, "7"),
                org.assertj.core.groups.Tuple.tuple("$.tags[0]", Kind.STRING, "a\"b"),
                org.assertj.core.groups.Tuple.tuple("$.tags[1][0]", Kind.NUMBER, "1.5"),
                org.assertj.core.groups.Tuple.tuple("$.tags[1][1]", Kind.BOOLEAN, "true"),
                org.assertj.core.groups.Tuple.tuple("$.ok", Kind.NULL, "null"));
        byte[] bytes = invoked.content().getBytes(StandardCharsets.UTF_8);
        List<TokenLogprob> tokens = invoked.logprobs().content();
        for (Field f : c.fields()) {
            assertThat(new String(Arrays.copyOfRange(bytes, f.start(), f.end()), StandardCharsets.UTF_8)).isEqualTo(f.text());
        }
        // "Zoë 😀": the emoji's four bytes are four tokens, all owned by the value; 'Z' decides it
        Field name = c.value("$.name").orElseThrow();
        assertThat(name.decision().token()).isEqualTo("Z");
        assertThat(tokens.subList(name.firstToken(), name.endToken()).stream().map(TokenLogprob::token).toList())
                .containsExactly(" \"", "Z", "o", "\\xc3", "\\xab", " ", "\\xf0", "\\x9f", "\\x98", "\\x80", "\"");
        // 1.5 is three tokens; its joint is their sum
        Field number = c.value("$.tags[1][0]").orElseThrow();
        assertThat(number.ownedTokens()).isEqualTo(3);
        assertThat(number.jointLogprob()).isEqualTo(tokens.get(number.firstToken()).logprob() + tokens.get(number.firstToken() + 1).logprob()
                + tokens.get(number.firstToken() + 2).logprob());
        assertThat(number.decision().token()).isEqualTo("1");
        assertThat(number.decision().alternatives()).hasSize(3);
        assertThat(c.value("$.tags[1][1]").orElseThrow().decision().token()).isEqualTo(" t");
    }
}
