package dev.logprobs4j.local.constraint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.logprobs4j.ResponseFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The trie-walk masks against per-token simulation, bit for bit, on a synthetic vocabulary with
 * boundary-spanning, whitespace and partial-UTF-8 tokens; random walks through the masks end in
 * outputs an independent validator accepts.
 */
class TokenMaskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EOS = 0;

    static final List<String> SCHEMAS = List.of(
            """
            {"type":"object","properties":{"name":{"type":"string","maxLength":5},"age":{"type":"integer"}},"required":["name","age"]}""",
            """
            {"type":"object","properties":{"a":{"type":"string","minLength":1,"maxLength":3},"ab":{"enum":["x","xy",1,null]},
             "abc":{"type":"number"}},"required":["abc"],"additionalProperties":false}""",
            """
            {"type":"array","items":{"type":["integer","null","boolean"]},"minItems":1,"maxItems":4}""",
            """
            {"type":"object","properties":{"m":{"type":"array","items":{"type":"array","items":{"type":"string","maxLength":2},"maxItems":2},
             "maxItems":2},"c":{"const":{"k":[1,"é"]}}},"required":["m","c"]}""",
            """
            {"type":"object","properties":{"free":{}}}""");

    /** A byte vocabulary (ids 1..256 are the single bytes) plus multi-byte tokens that cross JSON boundaries. */
    static byte[][] vocabulary() {
        List<byte[]> v = new ArrayList<>();
        v.add(new byte[0]); // EOS
        for (int b = 0; b < 256; b++) {
            v.add(new byte[] {(byte) b});
        }
        for (String s : List.of("\",", "\"}", "\":", "},{", "\\u", "\\u00e9", "{\"", "\": \"", "true", "nul", "null", "12", "0.", "1e",
                "  ", "\n  ", " \"", "\"name\"", "\"age\":", "ab", "abc", "xy\"", "[[", "]]", "],", "-0", "é", "€", "😀", "é\"",
                "\"a", "\"ab\":", "\"abc\": 1", "\"free\":{", "{}", "[]", "false,", ": ", ", ", "\\\"", "\\n")) {
            v.add(s.getBytes(StandardCharsets.UTF_8));
        }
        v.add(new byte[] {(byte) 0xC3}); // the first half of é
        v.add(new byte[] {(byte) 0xA9, '"'}); // its second half, then a quote
        v.add(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a UTF-16 surrogate: never valid UTF-8
        return v.toArray(new byte[0][]);
    }

    static TokenGrammar grammar(String schema, byte[][] vocab) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.readValue(schema, Map.class);
        return TokenGrammar.compile(ResponseFormat.jsonSchema("t", map), TokenTrie.of(vocab.length, id -> vocab[id]), new int[] {EOS});
    }

    @Test
    void trieMasksEqualPerTokenSimulationAndRandomWalksValidate() throws Exception {
        byte[][] vocab = vocabulary();
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SplittableRandom random = new SplittableRandom(13);
        int checkedMasks = 0;
        for (String schema : SCHEMAS) {
            TokenGrammar g = grammar(schema, vocab);
            JsonSchema validator = factory.getSchema(schema);
            for (int walk = 0; walk < 30; walk++) {
                int cfg = g.start();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                boolean ended = false;
                for (int step = 0; step < 300 && !ended; step++) {
                    TokenMask mask = g.mask(cfg);
                    List<Integer> allowed = new ArrayList<>();
                    for (int id = 0; id < vocab.length; id++) {
                        boolean simulated = id == EOS ? g.accepting(cfg) : g.advance(cfg, vocab[id]) >= 0;
                        assertThat(mask.allows(id)).as("token %d after %s (schema %s)", id, out, schema).isEqualTo(simulated);
                        if (simulated) {
                            allowed.add(id);
                        }
                    }
                    checkedMasks++;
                    assertThat(mask.count()).isEqualTo(allowed.size()).isPositive();
                    // Prefer closing moves now and then so that walks end.
                    int pick = allowed.get(random.nextInt(allowed.size()));
                    if (step > 40 && mask.allows(EOS)) {
                        pick = EOS;
                    }
                    if (pick == EOS) {
                        ended = true;
                    } else {
                        cfg = g.advance(cfg, vocab[pick]);
                        out.writeBytes(vocab[pick]);
                        ended = g.complete(cfg);
                    }
                }
                if (ended) {
                    String text = out.toString(StandardCharsets.UTF_8);
                    JsonNode parsed = JSON.readTree(text);
                    assertThat(validator.validate(parsed)).as("%s against %s", text, schema).isEmpty();
                }
            }
        }
        assertThat(checkedMasks).isGreaterThan(1000);
    }

    @Test
    void validInstancesAreAcceptedByteByByteAndInvalidOnesRejected() throws Exception {
        byte[][] vocab = vocabulary();
        TokenGrammar g = grammar(SCHEMAS.get(1), vocab);
        for (String valid : List.of("{\"abc\":1}", "{\"a\":\"é\",\"abc\":-0.5e+3}", "{ \"ab\" : null ,\n  \"abc\":0}", "{\n\t\"abc\": 1\n}",
                "{\"a\":\"\\u00e9\\n\",\"ab\":\"xy\",\"abc\":12}", "{\"ab\":1,\"abc\":1.25}")) {
            int cfg = g.advance(g.start(), valid.getBytes(StandardCharsets.UTF_8));
            assertThat(cfg).as(valid).isNotNegative();
            assertThat(g.accepting(cfg)).as(valid).isTrue();
        }
        for (String invalid : List.of("{}", "{\"abc\":01}", "{\"abc\":1,}", "{\"a\":\"\",\"abc\":1}", "{\"a\":\"abcd\",\"abc\":1}",
                "{\"abc\":1,\"a\":\"x\"}", "{\"ab\":\"y\",\"abc\":1}", "{\"extra\":1,\"abc\":1}", "{\"abc\":1} ", " {\"abc\":1}",
                "{\"a\":\"\\ud800\",\"abc\":1}", "{\"abc\":1.}", "{\"abc\":.5}", "{  \"abc\":1}", "{\n\n\"abc\":1}", "{\"abc\":1\r}")) {
            int cfg = g.advance(g.start(), invalid.getBytes(StandardCharsets.UTF_8));
            assertThat(cfg >= 0 && g.accepting(cfg)).as(invalid).isFalse();
        }
    }

    @Test
    void jsonObjectAcceptsAnyObjectNestedUpToTheDepthLimit() {
        byte[][] vocab = vocabulary();
        TokenGrammar g = TokenGrammar.compile(ResponseFormat.jsonObject(), TokenTrie.of(vocab.length, id -> vocab[id]), new int[] {EOS});
        for (String valid : List.of("{}", "{\"a\":[1,{\"b\":null}],\"a\":\"dup\"}", "{\"x\":[[[[[[1]]]]]]}")) {
            int cfg = g.advance(g.start(), valid.getBytes(StandardCharsets.UTF_8));
            assertThat(cfg >= 0 && g.complete(cfg)).as(valid).isTrue();
        }
        for (String invalid : List.of("[]", "\"s\"", "{\"x\":[[[[[[[[[[1]]]]]]]]]]}", "{\"a\" 1}")) {
            int cfg = g.advance(g.start(), invalid.getBytes(StandardCharsets.UTF_8));
            assertThat(cfg >= 0 && g.accepting(cfg)).as(invalid).isFalse();
        }
    }

    @Test
    void aTokenThatIsTheOnlyContinuationIsForced() throws Exception {
        byte[][] vocab = vocabulary();
        TokenGrammar g = grammar("{\"const\":\"ok\"}", vocab);
        int cfg = g.advance(g.start(), "\"o".getBytes(StandardCharsets.UTF_8));
        TokenMask mask = g.mask(cfg);
        assertThat(mask.forced()).isTrue();
        assertThat(vocab[mask.single()]).containsExactly('k');
        // After the closing quote the value is complete: nothing but the end may follow.
        assertThat(g.complete(g.advance(cfg, "k\"".getBytes(StandardCharsets.UTF_8)))).isTrue();
    }

    @Test
    void unsupportedKeywordsFailNamingKeywordAndPath() {
        byte[][] vocab = vocabulary();
        assertThatThrownBy(() -> grammar("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"pattern\":\"x+\"}}}", vocab))
                .hasMessageContaining("'pattern'").hasMessageContaining("$.properties.a");
        assertThatThrownBy(() -> grammar("{\"anyOf\":[{\"type\":\"string\"}]}", vocab)).hasMessageContaining("'anyOf'");
        assertThatThrownBy(() -> grammar("{\"type\":\"object\",\"properties\":{},\"additionalProperties\":{\"type\":\"string\"}}", vocab))
                .hasMessageContaining("additionalProperties");
        assertThatThrownBy(() -> grammar("{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]}", vocab))
                .hasMessageContaining("$.required").hasMessageContaining("'b'");
        assertThatThrownBy(() -> grammar("{\"type\":\"string\",\"minLength\":3,\"maxLength\":2}", vocab)).hasMessageContaining("minLength 3");
    }

    @Test
    void maskingKeepsAllowedLogitsAndPutsTheRestAtMinusInfinity() throws Exception {
        byte[][] vocab = vocabulary();
        TokenGrammar g = grammar("{\"type\":\"boolean\"}", vocab);
        TokenMask mask = g.mask(g.start());
        float[] logits = new float[vocab.length + 3]; // a model may pad its vocabulary
        for (int i = 0; i < logits.length; i++) {
            logits[i] = i * 0.01f;
        }
        float[] out = mask.apply(logits, logits.length, new float[logits.length]);
        for (int i = 0; i < logits.length; i++) {
            assertThat(out[i]).isEqualTo(mask.allows(i) ? logits[i] : Float.NEGATIVE_INFINITY);
        }
        assertThat(mask.count()).isEqualTo(3); // "t", "f" and "true"; "false," goes on after the value
    }
}
