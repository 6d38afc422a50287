package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgufFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random strings (random code points, random bytes decoded as UTF-8, unpaired surrogates)
 * never make encode or decode throw, and decoding the tokens gives back the text, with unpaired
 * surrogates as '?' as documented.
 */
class EncodeDecodeFuzzTest {

    static List<String> fuzzStrings(long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = rnd.nextInt(40);
            switch (i % 4) {
                case 0 -> { // random code points anywhere in Unicode, including unassigned and private use
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < len; k++) {
                        int cp = rnd.nextInt(Character.MAX_CODE_POINT + 1);
                        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                            cp = ' ';
                        }
                        sb.appendCodePoint(cp);
                    }
                    out.add(sb.toString());
                }
                case 1 -> { // random bytes decoded as UTF-8 (malformed input becomes U+FFFD)
                    byte[] b = new byte[len];
                    for (int k = 0; k < len; k++) {
                        b[k] = (byte) rnd.nextInt(256);
                    }
                    out.add(new String(b, StandardCharsets.UTF_8));
                }
                case 2 -> { // surrogate junk: lone highs and lows mixed with text
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < len; k++) {
                        int r = rnd.nextInt(4);
                        sb.append(r == 0 ? (char) (0xD800 + rnd.nextInt(0x400))
                                : r == 1 ? (char) (0xDC00 + rnd.nextInt(0x400))
                                : r == 2 ? ' ' : (char) ('a' + rnd.nextInt(26)));
                    }
                    out.add(sb.toString());
                }
                default -> { // ASCII soup with control characters and whitespace runs
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < len; k++) {
                        sb.append((char) rnd.nextInt(128));
                    }
                    out.add(sb.toString());
                }
            }
        }
        return out;
    }

    /** The string encode actually sees: unpaired surrogates become '?'. */
    static String wellFormed(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    static void assertRoundTrips(Tokenizer tokenizer, List<String> texts) {
        for (String s : texts) {
            int[] ids = tokenizer.encode(s);
            assertThat(tokenizer.decode(ids)).as("decode(encode(%s))", SentencePieceOracleIT.show(s))
                    .isEqualTo(wellFormed(s));
            int[] special = tokenizer.encode(s, true, true);
            tokenizer.decode(special);
            for (int id : special) {
                tokenizer.tokenDisplay(id);
            }
        }
    }

    @Test
    void sentencePieceRoundTripsRandomText() {
        for (String name : new String[] {"stories260K.gguf", "llama-2-tiny-random.gguf"}) {
            try (GgufFile file = GgufFile.open(TestFiles.model(name))) {
                assertRoundTrips(Tokenizer.fromGguf(file), fuzzStrings(5, 2_000));
            }
        }
    }

    @Test
    void byteLevelBpeRoundTripsRandomText() {
        for (String pre : new String[] {"gpt-2", "llama-bpe", "qwen2", "default"}) {
            assertRoundTrips(Tokenizer.of(ByteLevelBpeTokenizerTest.vocabulary(pre)), fuzzStrings(6, 2_000));
        }
    }
}
