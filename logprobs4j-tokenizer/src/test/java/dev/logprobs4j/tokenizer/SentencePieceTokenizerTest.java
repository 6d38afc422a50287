package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgufFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SentencePiece behaviour on the real 512-token stories260K vocabulary (../shared/models). */
class SentencePieceTokenizerTest {
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        try (GgufFile file = GgufFile.open(TestFiles.model("stories260K.gguf"))) {
            tokenizer = Tokenizer.fromGguf(file);
        }
    }

    @Test
    void encodesOnceUponATimeAsLlamaCppDoes() {
        // Ids measured with llama.cpp 3.4.1 and 4.1.0 (shared/models/README.md).
        assertThat(tokenizer.encode("Once upon a time")).containsExactly(403, 407, 261, 378);
        assertThat(tokenizer.encode("Once upon a time", true, false)).containsExactly(1, 403, 407, 261, 378);
    }

    @Test
    void readsSpecialTokensAndDefaultsFromGguf() {
        assertThat(tokenizer.vocabularySize()).isEqualTo(512);
        assertThat(tokenizer.bosId()).isEqualTo(1);
        assertThat(tokenizer.eosId()).isEqualTo(2);
        assertThat(tokenizer.addBosByDefault()).isTrue();
        assertThat(tokenizer.endOfGenerationIds()).contains(2);
        assertThat(tokenizer.isControl(1)).isTrue();
        assertThat(tokenizer.isControl(403)).isFalse();
        assertThat(tokenizer.id("<0x0A>")).hasValue(13);
    }

    @Test
    void tokenBytesTurnTheSentencePieceSpaceIntoASpaceAndByteTokensIntoTheirByte() {
        assertThat(tokenizer.piece(403)).isEqualTo("\u2581Once");
        assertThat(tokenizer.tokenBytes(403)).isEqualTo(" Once".getBytes(StandardCharsets.UTF_8));
        assertThat(tokenizer.tokenBytes(13)).containsExactly(0x0A);
        assertThat(tokenizer.tokenDisplay(13)).isEqualTo("\n");
        assertThat(tokenizer.tokenBytes(1)).isEmpty();
        assertThat(tokenizer.tokenDisplay(1)).isEqualTo("<s>");
    }

    @Test
    void emojiOutsideTheVocabularyFallsBackToByteTokensShownAsHexEscapes() {
        int[] ids = tokenizer.encode("😀");
        // "▁" then F0 9F 98 80 as <0xF0> <0x9F> <0x98> <0x80>: 1 + 4 tokens
        assertThat(ids).hasSize(5);
        assertThat(tokenizer.tokenDisplay(ids[1])).isEqualTo("\\xf0");
        assertThat(tokenizer.tokenDisplay(ids[4])).isEqualTo("\\x80");
        assertThat(joinedBytes(ids)).isEqualTo(" 😀".getBytes(StandardCharsets.UTF_8));
        assertThat(tokenizer.decode(ids)).isEqualTo("😀");
    }

    @Test
    void joinedTokenBytesAreTheTextWithTheAddedLeadingSpace() {
        for (String s : TestStrings.TRICKY) {
            if (s.isEmpty()) {
                assertThat(tokenizer.encode(s)).isEmpty();
                continue;
            }
            int[] ids = tokenizer.encode(s);
            assertThat(new String(joinedBytes(ids), StandardCharsets.UTF_8)).isEqualTo(" " + s);
            assertThat(tokenizer.decode(ids)).isEqualTo(s);
            assertThat(tokenizer.decode(tokenizer.encode(s, true, false))).isEqualTo(s);
        }
    }

    @Test
    void parseSpecialTurnsControlTextIntoTheControlToken() {
        assertThat(tokenizer.encode("</s>", false, true)).containsExactly(2);
        assertThat(tokenizer.encode("</s>")).doesNotContain(2).hasSizeGreaterThan(1);
    }

    private static byte[] joinedBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(tokenizer.tokenBytes(id));
        }
        return out.toByteArray();
    }
}
