package dev.logprobs4j.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.TokenLogprob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scanner either reads an event exactly as {@link CompletionReader} does (the same chunk: text,
 * every logprob's bits, bytes, alternatives, ids, raw event) or gives up; it never accepts what
 * CompletionReader refuses.
 */
class ChunkScannerTest {

    private static final String HEAD = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1755000000,"
            + "\"model\":\"gpt-4o-mini\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":[";

    /** A token event shaped like OpenAI's, with {@code top} alternatives of text {@code token} and its variants. */
    private static String event(String token, String logprob, int top) {
        StringBuilder sb = new StringBuilder(HEAD).append("{\"index\":0,\"delta\":{\"content\":\"").append(token)
                .append("\"},\"logprobs\":{\"content\":[{\"token\":\"").append(token).append("\",\"logprob\":").append(logprob)
                .append(",\"bytes\":[104,105],\"top_logprobs\":[");
        for (int k = 0; k < top; k++) {
            sb.append(k == 0 ? "" : ",").append("{\"token\":\"").append(token).append(k).append("\",\"logprob\":-").append(k)
                    .append(".25,\"bytes\":[").append(k).append(",255]}");
        }
        return sb.append("]}],\"refusal\":null},\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"ab\"}").toString();
    }

    /** What CompletionReader makes of {@code json}, or null when it refuses it. */
    private static AIMessageChunk reference(byte[] json) {
        try {
            return CompletionReader.readChunk(json, 1);
        } catch (LogprobsException e) {
            return null;
        }
    }

    private static AIMessageChunk scanned(String json) {
        return new ChunkScanner().read(json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "-0.31415927", "-9999.0", "-1.2E-5", "-1.5e+2", "0", "-3", "0.0", "-0.0", "-123456789012345678", "-1234567890.1234567890123",
        "-1e-30", "-4.9E-324", "-2.2250738585072014E-308", "-0.1000000000000000055511151231257827"})
    void readsLogprobsToTheSameDouble(String logprob) {
        String json = event(" w", logprob, 3);
        AIMessageChunk chunk = scanned(json);
        assertThat(chunk).isNotNull().isEqualTo(reference(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(Double.doubleToRawLongBits(chunk.logprobs().content().get(0).logprob()))
                .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(logprob)));
    }

    @ParameterizedTest
    @ValueSource(strings = {" w", "caf\u00e9", "\\n", "\\\"quoted\\\"", "a\\\\b", "\\u00e9t\\u00E9", "\\ud83d\\ude00", "\ud83d\ude00",
        "tab\\there", "\\/", "", "\u4e2d\u6587"})
    void readsTokenTextWithEscapesAndUtf8(String token) {
        String json = event(token, "-0.5", 4);
        AIMessageChunk chunk = scanned(json);
        assertThat(chunk).isNotNull().isEqualTo(reference(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // the shapes around the token events
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
            + "\"logprobs\":{\"content\":[],\"refusal\":null},\"finish_reason\":null}],\"usage\":null}",
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}",
        "{\"id\":\"c\",\"choices\":[]}",
        "{}",
        " \n{ \"choices\" : [ { \"delta\" : { \"content\" : \"x\" } , \"index\" : 0 } ] } \r\n",
        // two choices, refusal tokens, bytes left out or null, fields in another order, unknown fields of every kind
        "{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"}},{\"index\":0,\"delta\":{\"content\":\"a\"}}]}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"no\"},\"logprobs\":{\"content\":null,\"refusal\":"
            + "[{\"token\":\"no\",\"logprob\":-0.1,\"bytes\":null,\"top_logprobs\":[]}]}}]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"top_logprobs\":[{\"logprob\":-2,\"token\":\"y\"}],\"logprob\":-1,\"token\":\"x\"}]}}]}",
        "{\"x\":{\"a\":[1,-2.5e3,true,false,null,\"s\\u0041\\n\",{\"b\":[]},{}],\"c\":\"\u00e9\"},\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\"x\",\"tool_calls\":[{\"id\":\"t\"}]},\"extra\":[[]],"
            + "\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-1,\"rank\":3,\"top_logprobs\":[{\"token\":\"x\",\"logprob\":-1,"
            + "\"top_logprobs\":[{\"token\":\"z\"}]}]}],\"other\":1}}],\"usage\":null,\"error\":null,\"prompt_logprobs\":null}",
        // a later field of the same name wins, as in CompletionReader
        "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"},\"finish_reason\":\"x\",\"finish_reason\":null}],\"id\":\"1\",\"id\":null}",
    })
    void readsThePlainShapesAsCompletionReaderDoes(String json) {
        AIMessageChunk chunk = scanned(json);
        assertThat(chunk).isNotNull().isEqualTo(reference(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // what CompletionReader reads but this scanner leaves to it
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}",
        "{\"error\":{\"message\":\"boom\"}}",
        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}],\"prompt_logprobs\":[null]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-0,\"top_logprobs\":[]}]}}]}",
        "{\"choices\":[{\"delta\":{\"content\":\"\uFFFD\"}}]}",
        "{\"ch\\u006fices\":[]}",
        // what it refuses
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":0.5}]}}]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\"}]}}]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"logprob\":-1}]}}]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-1,\"bytes\":[256]}]}}]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-1,\"bytes\":[01]}]}}]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":-01}]}}]}",
        "{\"choices\":[{\"logprobs\":{\"content\":[{\"token\":\"x\",\"logprob\":\"-1\"}]}}]}",
        "{\"choices\":[{\"index\":0},{\"index\":0}]}",
        "{\"choices\":[{\"index\":-1}]}",
        "{\"choices\":[{\"index\":1000001}]}",
        "{\"choices\":[{\"index\":1.0}]}",
        "{\"choices\":[],}",
        "{\"choices\":[]",
        "{\"choices\":[]} x",
        "{\"choices\":[]}{}",
        "{\"id\":\"a\tb\"}",
        "{\"id\":\"\\x\"}",
        "{\"id\":nul}",
        "{\"id\":nullx}",
        "[]",
        "",
    })
    void leavesEverythingElseToCompletionReader(String json) {
        assertThat(scanned(json)).isNull();
    }

    @Test
    void leavesMalformedUtf8ToCompletionReader() {
        byte[] json = "{\"id\":\"ab\"}".getBytes(StandardCharsets.UTF_8);
        json[7] = (byte) 0xC3; // a lead byte followed by 'b', not a continuation byte
        assertThat(new ChunkScanner().read(json)).isNull();
        assertThat(reference(json)).isNull();
    }

    /**
     * Thousands of mutations of real events (fixtures and generated ones): a byte replaced by a
     * JSON-significant one, removed, doubled, or the event cut short. Whatever the scanner reads
     * equals CompletionReader's chunk; whatever CompletionReader refuses, the scanner gives up on.
     * One scanner reads them all, so its shared strings are exercised across events too.
     */
    @Test
    void agreesWithCompletionReaderOnMutatedEvents() {
        List<byte[]> bases = new ArrayList<>();
        for (String json : fixtureEvents()) {
            bases.add(json.getBytes(StandardCharsets.UTF_8));
        }
        bases.add(event(" caf\u00e9", "-0.0123", 5).getBytes(StandardCharsets.UTF_8));
        bases.add(event("\\n\\u00e9", "-9999.0", 2).getBytes(StandardCharsets.UTF_8));
        assertThat(bases).hasSizeGreaterThan(10);
        byte[] alphabet = "{}[],:\"\\-.0123456789eEnultrfa \n\u00e9x".getBytes(StandardCharsets.UTF_8);
        SplittableRandom random = new SplittableRandom(12);
        ChunkScanner scanner = new ChunkScanner();
        int read = 0;
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] base = bases.get(random.nextInt(bases.size()));
            byte[] json = i % 10 == 0 ? base.clone() : mutate(base, random, alphabet);
            AIMessageChunk expected = reference(json.clone());
            AIMessageChunk actual = scanner.read(json);
            if (actual != null) {
                read++;
                assertThat(actual).as("event %s", new String(json, StandardCharsets.UTF_8)).isEqualTo(expected);
                assertBitsEqual(actual, expected);
            }
            if (expected == null) {
                refused++;
                assertThat(actual).as("refused event %s", new String(json, StandardCharsets.UTF_8)).isNull();
            }
        }
        assertThat(read).as("events the scanner read").isGreaterThan(3_000);
        assertThat(refused).as("events CompletionReader refused").isGreaterThan(3_000);
    }

    private static void assertBitsEqual(AIMessageChunk a, AIMessageChunk b) {
        List<TokenLogprob> x = a.logprobs().content();
        List<TokenLogprob> y = b.logprobs().content();
        for (int i = 0; i < x.size(); i++) {
            assertThat(Double.doubleToRawLongBits(x.get(i).logprob())).isEqualTo(Double.doubleToRawLongBits(y.get(i).logprob()));
        }
    }

    private static byte[] mutate(byte[] base, SplittableRandom random, byte[] alphabet) {
        int at = random.nextInt(base.length);
        return switch (random.nextInt(4)) {
            case 0 -> {
                byte[] out = base.clone();
                out[at] = alphabet[random.nextInt(alphabet.length)];
                yield out;
            }
            case 1 -> {
                byte[] out = new byte[base.length - 1];
                System.arraycopy(base, 0, out, 0, at);
                System.arraycopy(base, at + 1, out, at, base.length - at - 1);
                yield out;
            }
            case 2 -> {
                byte[] out = new byte[base.length + 1];
                System.arraycopy(base, 0, out, 0, at + 1);
                System.arraycopy(base, at, out, at + 1, base.length - at);
                yield out;
            }
            default -> java.util.Arrays.copyOf(base, at);
        };
    }

    /** The chat.completion.chunk events of the recorded streams. */
    private static List<String> fixtureEvents() {
        Path dir = Path.of("src/test/resources/fixtures/openai");
        List<String> events = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sse")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.startsWith("data: {") && line.contains("chat.completion.chunk")) {
                        events.add(line.substring(6));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }
}
