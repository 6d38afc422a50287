package dev.logprobs4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.JsonConfidence.Field;
import dev.logprobs4j.JsonConfidence.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonConfidenceTest {

    /** Tokens cut from {@code json}'s UTF-8 bytes at the given byte offsets, with logprobs -0.1, -0.2, ... */
    private static List<TokenLogprob> tokens(String json, int... cuts) {
        byte[] all = json.getBytes(StandardCharsets.UTF_8);
        List<TokenLogprob> out = new ArrayList<>();
        int from = 0;
        int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
        ends[cuts.length] = all.length;
        for (int end : ends) {
            byte[] piece = Arrays.copyOfRange(all, from, end);
            double lp = -0.1 * (out.size() + 1);
            out.add(new TokenLogprob(display(piece), piece, lp,
                    List.of(new TopLogprob(display(piece), piece, lp), new TopLogprob("x", new byte[] {'x'}, -5))));
            from = end;
        }
        return out;
    }

    /** Tokens cut before each of the given substrings (searched in order). */
    private static List<TokenLogprob> tokensAt(String json, String... pieces) {
        List<Integer> cuts = new ArrayList<>();
        String rest = json;
        int base = 0;
        StringBuilder check = new StringBuilder();
        for (String p : pieces) {
            check.append(p);
        }
        assertThat(check.toString()).isEqualTo(json);
        for (int i = 0; i < pieces.length - 1; i++) {
            base += pieces[i].getBytes(StandardCharsets.UTF_8).length;
            cuts.add(base);
        }
        return tokens(rest, cuts.stream().mapToInt(Integer::intValue).toArray());
    }

    private static String display(byte[] piece) {
        return new String(piece, StandardCharsets.UTF_8);
    }

    private static double total(List<TokenLogprob> tokens) {
        return tokens.stream().mapToDouble(TokenLogprob::logprob).sum();
    }

    /** The rules every result obeys: spans join back to the text, ownership counts each token once. */
    private static void assertInvariants(JsonConfidence c, List<TokenLogprob> tokens) {
        byte[] text = c.bytes();
        int previousEnd = 0;
        double owned = 0;
        int ownedTokens = 0;
        for (Field f : c.fields()) {
            assertThat(f.start()).isGreaterThanOrEqualTo(previousEnd);
            assertThat(c.slice(f.start(), f.end())).isEqualTo(f.text());
            assertThat(Arrays.copyOfRange(text, f.start(), f.end())).isEqualTo(f.text().getBytes(StandardCharsets.UTF_8));
            // between fields only JSON punctuation and blanks
            for (int i = previousEnd; i < f.start() && previousEnd > 0; i++) {
                assertThat(":,{}[] \n\t\r".indexOf(text[i])).as("byte %d between fields", i).isGreaterThanOrEqualTo(0);
            }
            previousEnd = f.end();
            if (f.ownedTokens() > 0) {
                owned += f.jointLogprob();
                ownedTokens += f.ownedTokens();
                assertThat(f.meanLogprob()).isCloseTo(f.jointLogprob() / f.ownedTokens(), org.assertj.core.data.Offset.offset(1e-12));
            } else {
                assertThat(f.jointLogprob()).isNaN();
            }
            assertThat(f.decision().tokenIndex()).isBetween(f.firstToken(), f.endToken() - 1);
        }
        // unowned tokens are those touching no field: together with the owned ones they make the total
        double unowned = 0;
        int unownedCount = 0;
        for (int t = 0; t < tokens.size(); t++) {
            int ti = t;
            boolean touches = c.fields().stream().anyMatch(f -> ti >= f.firstToken() && ti < f.endToken());
            if (!touches) {
                unowned += tokens.get(t).logprob();
                unownedCount++;
            }
        }
        assertThat(ownedTokens + unownedCount).isEqualTo(tokens.size());
        assertThat(owned + unowned).isCloseTo(total(tokens), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void typicalOpenAiTokenisationGivesKeysAndValuesWithTheBoundaryRule() {
        String json = "{\"city\":\"Paris\",\"population\":2102650,\"capital\":true}";
        List<TokenLogprob> t = tokensAt(json, "{\"", "city", "\":\"", "Paris", "\",\"", "population", "\":", "210", "265", "0", ",\"",
                "capital", "\":", "true", "}");
        JsonConfidence c = JsonConfidence.of(t);
        assertThat(c.error()).isEmpty();
        assertThat(c.fields()).extracting(Field::path, Field::kind, Field::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("$.city", Kind.KEY, "city"),
                org.assertj.core.groups.Tuple.tuple("$.city", Kind.STRING, "Paris"),
                org.assertj.core.groups.Tuple.tuple("$.population", Kind.KEY, "population"),
                org.assertj.core.groups.Tuple.tuple("$.population", Kind.NUMBER, "2102650"),
                org.assertj.core.groups.Tuple.tuple("$.capital", Kind.KEY, "capital"),
                org.assertj.core.groups.Tuple.tuple("$.capital", Kind.BOOLEAN, "true"));
        Field city = c.value("$.city").orElseThrow();
        assertThat(city.text()).isEqualTo("\"Paris\"");
        // '":"' (token 2) holds the value's opening quote: the value owns it; '","' (token 4) holds the
        // next key's opening quote and the value's closing one: values come first.
        assertThat(city.ownedTokens()).isEqualTo(3);
        assertThat(city.jointLogprob()).isCloseTo(-0.3 - 0.4 - 0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(city.minLogprob()).isCloseTo(-0.5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(city.decision().token()).isEqualTo("Paris");
        assertThat(city.decision().alternatives()).hasSize(2);
        Field population = c.value("$.population").orElseThrow();
        assertThat(population.decision().token()).isEqualTo("210"); // the first token of a split number
        assertThat(population.ownedTokens()).isEqualTo(3); // 210, 265, 0; the ',"' after it opens the next key
        assertInvariants(c, t);
    }

    @Test
    void multibyteCharactersSplitAcrossTokensKeepExactBytes() {
        String json = "{\"name\":\"Zürich 😀\",\"ok\":false}";
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        int u = json.indexOf('ü'); // ü is 2 bytes, the emoji 4
        int emoji = new String(b, StandardCharsets.UTF_8).indexOf("😀");
        int emojiByte = json.substring(0, emoji).getBytes(StandardCharsets.UTF_8).length;
        List<TokenLogprob> t = tokens(json, 2, 6, 9, u + 1, emojiByte + 2, emojiByte + 4);
        JsonConfidence c = JsonConfidence.of(t);
        Field name = c.value("$.name").orElseThrow();
        assertThat(name.value()).isEqualTo("Zürich 😀");
        assertThat(name.text()).isEqualTo("\"Zürich 😀\"");
        assertThat(c.text()).isEqualTo(json);
        // the first content byte 'Z' sits in the token cut at byte 9
        assertThat(c.slice(name.start() + 1, name.end() - 1)).isEqualTo("Zürich 😀");
        assertThat(t.get(name.decision().tokenIndex()).bytes()[0]).isEqualTo((byte) 'Z');
        assertThat(c.value("$.ok").orElseThrow().kind()).isEqualTo(Kind.BOOLEAN);
        assertInvariants(c, t);
    }

    @Test
    void escapedQuotesAndOddKeysAreUnescapedAndQuotedInPaths() {
        String json = "{\"q\":\"say \\\"hi\\\" \\u00e9\\n\",\"k\\\"ey\":1,\"two words\":null,\"\":\"\"}";
        List<TokenLogprob> t = tokens(json, 3, 8, 12, 14, 20, 25);
        JsonConfidence c = JsonConfidence.of(t);
        assertThat(c.error()).isEmpty();
        assertThat(c.value("$.q").orElseThrow().value()).isEqualTo("say \"hi\" é\n");
        assertThat(c.value("$.q").orElseThrow().text()).isEqualTo("\"say \\\"hi\\\" \\u00e9\\n\"");
        assertThat(c.value("$['k\"ey']").orElseThrow().value()).isEqualTo("1");
        assertThat(c.value("$['two words']").orElseThrow().kind()).isEqualTo(Kind.NULL);
        Field empty = c.value("$['']").orElseThrow();
        assertThat(empty.text()).isEqualTo("\"\"");
        assertThat(empty.value()).isEmpty();
        assertInvariants(c, t);
    }

    @Test
    void nestedArraysAndEmptyContainersGetIndexedPaths() {
        String json = "{\"m\": [[1, 2], [3, [4, true]]], \"e\": [], \"o\": {}, \"a\": [{\"x\": -0.5e3}]}";
        List<TokenLogprob> t = tokens(json, 1, 4, 9, 10, 13, 20, 30, 41, 47, 55, 60, 66);
        JsonConfidence c = JsonConfidence.of(t);
        assertThat(c.error()).isEmpty();
        assertThat(c.fields()).filteredOn(f -> f.kind() != Kind.KEY).extracting(Field::path).containsExactly(
                "$.m[0][0]", "$.m[0][1]", "$.m[1][0]", "$.m[1][1][0]", "$.m[1][1][1]", "$.e", "$.o", "$.a[0].x");
        assertThat(c.value("$.e").orElseThrow().kind()).isEqualTo(Kind.ARRAY);
        assertThat(c.value("$.o").orElseThrow().kind()).isEqualTo(Kind.OBJECT);
        assertThat(c.value("$.a[0].x").orElseThrow().value()).isEqualTo("-0.5e3");
        assertInvariants(c, t);
    }

    @Test
    void aTokenHoldingTwoValuesBelongsToTheLaterAndTheEarlierOwnsNone() {
        String json = "[1,2]";
        List<TokenLogprob> t = tokensAt(json, "[", "1,2", "]");
        JsonConfidence c = JsonConfidence.of(t);
        Field one = c.value("$[0]").orElseThrow();
        Field two = c.value("$[1]").orElseThrow();
        assertThat(one.ownedTokens()).isZero();
        assertThat(one.jointLogprob()).isNaN();
        assertThat(one.decision().tokenIndex()).isEqualTo(1); // still decided by that token
        assertThat(two.ownedTokens()).isEqualTo(1);
        assertInvariants(c, t);
    }

    @Test
    void truncatedJsonGivesTheCompleteFieldsAndWhereItEnded() {
        String json = "{\"a\": 1, \"b\": [true, \"hel";
        List<TokenLogprob> t = tokens(json, 5, 9, 15, 22);
        JsonConfidence c = JsonConfidence.of(t);
        assertThat(c.fields()).extracting(Field::path, Field::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple("$.a", Kind.KEY), org.assertj.core.groups.Tuple.tuple("$.a", Kind.NUMBER),
                org.assertj.core.groups.Tuple.tuple("$.b", Kind.KEY), org.assertj.core.groups.Tuple.tuple("$.b[0]", Kind.BOOLEAN));
        JsonConfidence.ParseError e = c.error().orElseThrow();
        assertThat(e.offset()).isEqualTo(json.length());
        assertThat(e.path()).isEqualTo("$.b[1]");
        assertThat(e.message()).isEqualTo("the text ends inside a string");
        assertInvariants(c, t);
    }

    @Test
    void aNumberCutOffAtTheEndIsNotAField() {
        JsonConfidence c = JsonConfidence.of(tokens("{\"n\": 12", 3));
        assertThat(c.value("$.n")).isEmpty();
        assertThat(c.error().orElseThrow().message()).isEqualTo("the text ends inside a number");
    }

    @Test
    void invalidJsonNamesTheOffendingByte() {
        String json = "{\"a\": 1 \"b\": 2}";
        JsonConfidence c = JsonConfidence.of(tokens(json, 4));
        assertThat(c.value("$.a")).isPresent();
        JsonConfidence.ParseError e = c.error().orElseThrow();
        assertThat(e.offset()).isEqualTo(8);
        assertThat(e.message()).isEqualTo("expected ',' or '}' in an object, found '\"'");
        assertThat(e.toString()).isEqualTo("expected ',' or '}' in an object, found '\"' at byte 8 ($)");
    }

    @Test
    void leadingProseAndCodeFenceAreSkippedAndTrailingBytesIgnored() {
        String json = "Here you go:\n```json\n{\"ok\": true}\n```";
        List<TokenLogprob> t = tokens(json, 5, 13, 21, 30);
        JsonConfidence c = JsonConfidence.of(t);
        assertThat(c.error()).isEmpty();
        Field ok = c.value("$.ok").orElseThrow();
        assertThat(c.slice(ok.start(), ok.end())).isEqualTo("true");
        assertThat(ok.start()).isEqualTo(json.indexOf("true"));
    }

    @Test
    void streamedChunksAddedUpGiveTheSameResultAsTheInvokedMessage() {
        String json = "{\"answer\": \"Ünïcode ✓\", \"score\": 0.93, \"tags\": [\"a\", \"b\"]}";
        List<TokenLogprob> t = tokens(json, 2, 9, 12, 14, 17, 25, 30, 33, 40, 50);
        AIMessage invoked = AIMessage.of(json, Logprobs.of(t), "stop", null);
        AIMessageChunk full = AIMessageChunk.of("", Logprobs.EMPTY);
        for (TokenLogprob token : t) {
            full = full.add(AIMessageChunk.of(new String(token.bytes(), StandardCharsets.UTF_8), Logprobs.of(List.of(token))));
        }
        assertThat(JsonConfidence.of(full)).isEqualTo(JsonConfidence.of(invoked));
        assertThat(JsonConfidence.of(full.toMessage())).isEqualTo(JsonConfidence.of(invoked));
        assertThat(JsonConfidence.of(invoked).fields()).hasSize(7);
    }

    /** Seeded random JSON documents cut into random tokens: every leaf found, with its path, value and exact bytes. */
    @Test
    void generatedDocumentsCutAtRandomBytesAreReadExactly() {
        Random random = new Random(13);
        for (int doc = 0; doc < 300; doc++) {
            List<String[]> expected = new ArrayList<>(); // {path, kind, raw text}
            StringBuilder json = new StringBuilder();
            generate(random, json, "$", 0, expected);
            byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
            int pieces = 1 + random.nextInt(Math.max(1, bytes.length / 2));
            int[] cuts = random.ints(pieces, 1, Math.max(2, bytes.length)).distinct().sorted().filter(x -> x < bytes.length).toArray();
            List<TokenLogprob> t = tokens(json.toString(), cuts);
            JsonConfidence c = JsonConfidence.of(t);
            assertThat(c.error()).as(json.toString()).isEmpty();
            assertThat(c.fields()).extracting(f -> new String[] {f.path(), f.kind().name(), f.text()})
                    .as(json.toString()).containsExactlyElementsOf(expected);
            assertInvariants(c, t);
            // a cut anywhere inside gives fields that are a prefix of these, and an error at or before the cut
            int cut = random.nextInt(bytes.length);
            String truncated = new String(Arrays.copyOf(bytes, cut), StandardCharsets.UTF_8);
            if (truncated.getBytes(StandardCharsets.UTF_8).length == cut && cut > 0) {
                JsonConfidence partial = JsonConfidence.of(tokens(truncated));
                assertThat(partial.error()).as(truncated).isPresent();
                assertThat(partial.error().orElseThrow().offset()).isLessThanOrEqualTo(cut);
                assertThat(partial.fields().size()).isLessThanOrEqualTo(c.fields().size());
                for (int i = 0; i < partial.fields().size(); i++) {
                    assertThat(partial.fields().get(i).text()).isEqualTo(c.fields().get(i).text());
                }
            }
        }
    }

    private static final String[] WORDS = {"a", "Zürich", "😀 ok", "say \\\"hi\\\"", "tab\\t", "日本語", "", "\\u00e9", "x y"};

    private static void generate(Random r, StringBuilder out, String path, int depth, List<String[]> expected) {
        int choice = depth == 0 ? r.nextInt(2) : depth > 3 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (choice) {
            case 0 -> {
                int n = r.nextInt(4);
                out.append('{');
                if (n == 0) {
                    expected.add(new String[] {path, "OBJECT", "{}"});
                }
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(r.nextBoolean() ? ", " : ",");
                    }
                    String key = "k" + i + (r.nextInt(4) == 0 ? " sp" : "");
                    String member = key.contains(" ") ? path + "['" + key + "']" : path + "." + key;
                    expected.add(new String[] {member, "KEY", "\"" + key + "\""});
                    out.append('"').append(key).append('"').append(r.nextBoolean() ? ": " : ":");
                    generate(r, out, member, depth + 1, expected);
                }
                out.append('}');
            }
            case 1 -> {
                int n = r.nextInt(4);
                out.append('[');
                if (n == 0) {
                    expected.add(new String[] {path, "ARRAY", "[]"});
                }
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        out.append(", ");
                    }
                    generate(r, out, path + "[" + i + "]", depth + 1, expected);
                }
                out.append(']');
            }
            case 2 -> {
                String s = "\"" + WORDS[r.nextInt(WORDS.length)] + "\"";
                expected.add(new String[] {path, "STRING", s});
                out.append(s);
            }
            case 3 -> {
                String[] numbers = {"0", "-12", "3.14159", "6.02e23", "-0.5E-3", "1234567890"};
                String s = numbers[r.nextInt(numbers.length)];
                expected.add(new String[] {path, "NUMBER", s});
                out.append(s);
            }
            case 4 -> {
                String s = r.nextBoolean() ? "true" : "false";
                expected.add(new String[] {path, "BOOLEAN", s});
                out.append(s);
            }
            default -> {
                expected.add(new String[] {path, "NULL", "null"});
                out.append("null");
            }
        }
    }

    @Test
    void tokenIdentityIsOptionalAndOldConstructorsStillWork() {
        TokenLogprob plain = new TokenLogprob("a", new byte[] {'a'}, -0.5, List.of());
        assertThat(plain.hasTokenId()).isFalse();
        assertThat(plain.tokenId()).isEqualTo(TokenLogprob.UNKNOWN_ID);
        assertThat(plain.rank()).isEqualTo(TokenLogprob.UNKNOWN_RANK);
        TokenLogprob known = new TokenLogprob("a", new byte[] {'a'}, -0.5, List.of(new TopLogprob("a", null, -0.5, 7, 1)), 7, 1);
        assertThat(known).isNotEqualTo(plain);
        assertThat(known.topLogprobs().get(0).hasTokenId()).isTrue();
        assertThat(new TopLogprob("a", null, -0.5)).isEqualTo(new TopLogprob("a", null, -0.5, -1, 0));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TopLogprob("a", null, -0.5, 3, -2))
                .hasMessage("rank must be >= 1 (or 0 for unknown), was -2 for token 'a'");
    }

    static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
