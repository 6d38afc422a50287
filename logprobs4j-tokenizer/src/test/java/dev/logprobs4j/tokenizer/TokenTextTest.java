package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenTextTest {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void validUtf8IsShownAsText() {
        assertThat(TokenText.display("Hello, wörld 日本 😀".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("Hello, wörld 日本 😀");
        assertThat(TokenText.display(new byte[0])).isEmpty();
    }

    @Test
    void emojiSplitOverTwoTokensShowsEachHalfAsLowercaseHexEscapes() {
        // U+1F600 is F0 9F 98 80 in UTF-8.
        assertThat(TokenText.display(bytes(0xF0, 0x9F))).isEqualTo("\\xf0\\x9f");
        assertThat(TokenText.display(bytes(0x98, 0x80))).isEqualTo("\\x98\\x80");
    }

    @Test
    void onlyTheBytesOutsideValidSequencesAreEscaped() {
        assertThat(TokenText.display(bytes('a', 0xE6, 0x97, 'b'))).isEqualTo("a\\xe6\\x97b");
        assertThat(TokenText.display(bytes(0x80, 0xC3, 0xA9))).isEqualTo("\\x80é");
        assertThat(TokenText.display(bytes(0xFF))).isEqualTo("\\xff");
    }

    @Test
    void overlongSurrogateAndOutOfRangeEncodingsAreEscaped() {
        assertThat(TokenText.display(bytes(0xC0, 0xAF))).isEqualTo("\\xc0\\xaf");           // overlong '/'
        assertThat(TokenText.display(bytes(0xE0, 0x80, 0xAF))).isEqualTo("\\xe0\\x80\\xaf"); // overlong
        assertThat(TokenText.display(bytes(0xED, 0xA0, 0x80))).isEqualTo("\\xed\\xa0\\x80"); // U+D800
        assertThat(TokenText.display(bytes(0xF4, 0x90, 0x80, 0x80))).isEqualTo("\\xf4\\x90\\x80\\x80"); // > U+10FFFF
        assertThat(TokenText.display(bytes(0xF4, 0x8F, 0xBF, 0xBF))).isEqualTo(new String(Character.toChars(0x10FFFF)));
    }

    @Test
    void displayHasNoEscapesExactlyWhenTheJdkDecodesTheBytesStrictly() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(8)];
            for (int k = 0; k < b.length; k++) {
                // favour bytes that form or almost form multi-byte sequences
                b[k] = (byte) (rnd.nextBoolean() ? 0x80 + rnd.nextInt(0x80) : rnd.nextInt(256));
            }
            String strict = strictDecode(b);
            String shown = TokenText.display(b);
            if (strict != null && !strict.contains("\\x")) {
                assertThat(shown).as("bytes %s", java.util.HexFormat.of().formatHex(b)).isEqualTo(strict);
            } else if (strict == null) {
                assertThat(shown).as("bytes %s", java.util.HexFormat.of().formatHex(b)).contains("\\x");
            }
        }
    }

    private static String strictDecode(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
