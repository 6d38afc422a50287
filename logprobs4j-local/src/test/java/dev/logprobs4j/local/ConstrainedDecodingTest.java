package dev.logprobs4j.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ResponseFormat;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.LogSoftmax;
import dev.logprobs4j.engine.LogprobStep;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.Session;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Constrained decoding on real GGUF files, both SentencePiece vocabularies with byte fallback:
 * seeded generations over ten schemas all finish and validate with an independent validator, raw
 * logprobs equal those of the same tokens teacher-forced without a constraint, and forced tokens
 * are flagged.
 */
class ConstrainedDecodingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory VALIDATORS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    /** Ten schemas of the supported subset; strings and arrays bounded so that a random model ends too. */
    static final List<String> SCHEMAS = List.of(
            """
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"}},
             "required":["name","age"],"additionalProperties":false}""",
            """
            {"type":"object","properties":{"sentiment":{"enum":["positive","negative","neutral"]},"score":{"type":"number"}},
             "required":["sentiment"]}""",
            """
            {"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":5}""",
            """
            {"type":"object","properties":{"ok":{"type":"boolean"},"note":{"type":["string","null"],"maxLength":8}},"required":["ok","note"]}""",
            """
            {"type":"object","properties":{"user":{"type":"object","properties":{"id":{"type":"integer"},
             "tags":{"type":"array","items":{"type":"string","maxLength":6},"maxItems":3}},"required":["id","tags"]},
             "version":{"const":2}},"required":["user","version"]}""",
            """
            {"enum":["red","green","blue",42,null,true]}""",
            """
            {"type":"object","properties":{"a":{"type":"string","minLength":2,"maxLength":4},"b":{"type":"string","maxLength":4},
             "c":{"type":"number"}},"required":["c"]}""",
            """
            {"type":"array","items":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x","y"]},
             "maxItems":3}""",
            """
            {"type":"object","properties":{"matrix":{"type":"array","items":{"type":"array","items":{"type":"integer"},"maxItems":3},
             "maxItems":3},"label":{"type":"string","maxLength":10}},"required":["matrix","label"]}""",
            """
            {"type":"object","properties":{"title":{"type":"string","maxLength":20},"done":{"type":"boolean"},"count":{"type":"integer"}}}""");

    static ResponseFormat format(String schema) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.readValue(schema, Map.class);
        return ResponseFormat.jsonSchema("test", map);
    }

    @Test
    void twoHundredSeededGenerationsOverTenSchemasAllValidate() throws Exception {
        int generations = 0;
        int forced = 0;
        for (Path file : List.of(SharedModelFiles.stories260K(), SharedModelFiles.model("llama-2-tiny-random.gguf"))) {
            try (LocalChatModel model = LocalChatModel.builder().modelPath(file).threads(2).contextLength(512).build()) {
                for (String schema : SCHEMAS) {
                    JsonSchema validator = VALIDATORS.getSchema(schema);
                    ChatOptions options = ChatOptions.builder().responseFormat(format(schema)).logprobs(true).temperature(1.0)
                            .maxTokens(400).build();
                    for (long seed = 0; seed < 10; seed++) {
                        AIMessage msg = model.complete("Once upon a time", options.toBuilder().seed(seed).build());
                        String where = file.getFileName() + " seed " + seed + " schema " + schema + ": " + msg.content();
                        assertThat(msg.finishReason()).as(where).isEqualTo("stop");
                        assertThat(validator.validate(JSON.readTree(msg.content()))).as(where).isEmpty();
                        forced += (int) msg.logprobs().content().stream().filter(TokenLogprob::forced).count();
                        generations++;
                    }
                }
            }
        }
        assertThat(generations).isEqualTo(200);
        assertThat(forced).isPositive();
    }

    @Test
    void rawLogprobsEqualTheUnconstrainedDistributionOfTheSameTokens() throws Exception {
        Path file = SharedModelFiles.stories260K();
        String prompt = "Once upon a time";
        int checked = 0;
        int forcedChecked = 0;
        try (LocalChatModel local = LocalChatModel.builder().modelPath(file).threads(2).build();
             Model model = Model.load(file, LoadOptions.builder().threads(2).build())) {
            Tokenizer tokenizer = Tokenizer.fromGguf(model.gguf());
            int vocab = model.config().vocabularySize();
            for (int s : new int[] {0, 4, 8}) {
                ChatOptions options = ChatOptions.builder().responseFormat(format(SCHEMAS.get(s))).logprobs(true).topLogprobs(5)
                        .temperature(1.0).seed(s).maxTokens(200).build();
                AIMessage msg = local.complete(prompt, options);
                // Teacher-force the same tokens without any constraint.
                Session session = model.newSession(512);
                float[] logits = session.prefill(local.tokenize(prompt));
                for (TokenLogprob t : msg.logprobs().content()) {
                    double lse = LogSoftmax.logSumExp(logits, 0, vocab);
                    int id = t.tokenId();
                    assertThat(tokenizer.tokenBytes(id)).isEqualTo(t.bytes());
                    assertThat(t.logprob()).as("token %s", t.token()).isCloseTo(Math.min(0, logits[id] - lse), org.assertj.core.data.Offset.offset(1e-9));
                    LogprobStep top = new LogprobStep(5).compute(logits, 0, vocab, id);
                    for (int k = 0; k < 5; k++) {
                        TopLogprob alt = t.topLogprobs().get(k);
                        assertThat(alt.bytes()).isEqualTo(tokenizer.tokenBytes(top.topId(k)));
                        assertThat(alt.logprob()).isCloseTo(top.topLogprob(k), org.assertj.core.data.Offset.offset(1e-9));
                    }
                    checked++;
                    if (t.forced()) {
                        forcedChecked++;
                        assertThat(t.logprob()).isLessThan(0.0); // honest: not the 0.0 a masked distribution would report
                    }
                    logits = session.decode(id).clone();
                }
            }
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(forcedChecked).isPositive();
    }

    @Test
    void processedLogprobsAreTheMaskedDistributionAndForcedTokensGetZero() throws Exception {
        try (LocalChatModel local = LocalChatModel.builder().modelPath(SharedModelFiles.stories260K()).threads(2).build()) {
            ChatOptions base = ChatOptions.builder().responseFormat(format(SCHEMAS.get(0))).logprobs(true).topLogprobs(3)
                    .temperature(1.0).seed(3).maxTokens(200).build();
            AIMessage raw = local.complete("Once upon a time", base);
            AIMessage processed = local.complete("Once upon a time", base.toBuilder().extra("logprobs_mode", "processed").build());
            assertThat(processed.content()).isEqualTo(raw.content()); // the mode changes reports, not sampling
            List<TokenLogprob> r = raw.logprobs().content();
            List<TokenLogprob> p = processed.logprobs().content();
            for (int i = 0; i < r.size(); i++) {
                assertThat(p.get(i).logprob()).isGreaterThanOrEqualTo(r.get(i).logprob() - 1e-12);
                assertThat(p.get(i).forced()).isEqualTo(r.get(i).forced());
                if (p.get(i).forced()) {
                    assertThat(p.get(i).logprob()).isEqualTo(0.0);
                    assertThat(p.get(i).topLogprobs()).hasSize(1);
                }
                double mass = p.get(i).topLogprobs().stream().mapToDouble(a -> Math.exp(a.logprob())).sum();
                // The engine's log-sum-exp sums float lanes (LogSoftmax: about 1e-7 relative), not doubles.
                assertThat(mass).isLessThanOrEqualTo(1 + 1e-6);
            }
            assertThat(r.stream().anyMatch(TokenLogprob::forced)).isTrue();
        }
    }

    @Test
    void jsonObjectModeGivesAnObjectAndMaxTokensCutsWithLength() throws Exception {
        try (LocalChatModel local = LocalChatModel.builder().modelPath(SharedModelFiles.stories260K()).threads(2).build()) {
            AIMessage cut = local.complete("Once upon a time", ChatOptions.builder().responseFormat(ResponseFormat.jsonObject())
                    .temperature(0).maxTokens(3).build());
            assertThat(cut.finishReason()).isEqualTo("length");
            assertThat(cut.content()).startsWith("{");
            for (long seed = 0; seed < 5; seed++) {
                AIMessage msg = local.complete("Once upon a time", ChatOptions.builder().responseFormat(ResponseFormat.jsonObject())
                        .temperature(1.0).seed(seed).maxTokens(300).build());
                // The story model writes stories into strings: most answers run into maxTokens, still a valid prefix.
                assertThat(msg.content()).startsWith("{");
                assertThat(msg.finishReason()).isIn("stop", "length");
                if (msg.finishReason().equals("stop")) {
                    assertThat(JSON.readTree(msg.content().getBytes(StandardCharsets.UTF_8)).isObject()).as(msg.content()).isTrue();
                }
            }
        }
    }

    @Test
    void badSchemasAndStopStringsFailBeforeGenerating() throws Exception {
        try (LocalChatModel local = LocalChatModel.builder().modelPath(SharedModelFiles.stories260K()).threads(2).build()) {
            assertThatThrownBy(() -> local.complete("x", ChatOptions.builder()
                    .responseFormat(format("{\"type\":\"string\",\"format\":\"date\"}")).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'format'");
            assertThatThrownBy(() -> local.complete("x", ChatOptions.builder().responseFormat(ResponseFormat.jsonObject()).stop("}").build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stop sequences");
        }
    }
}
