package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.tokenizer.internal.ByteLevel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Byte-level BPE rules on a hand-built vocabulary: the 256 byte characters (ids 0..255 in byte
 * order) plus a few merges, so every expected id sequence below is worked out by hand.
 */
class ByteLevelBpeTokenizerTest {
    // Merges in rank order; each result is appended to the vocabulary in this order from id 256.
    private static final String[] MERGES = {"h e", "Ġ t", "Ġt he", "t he", "Ġ Ġ"};
    private static final int HE = 256;
    private static final int G_T = 257;
    private static final int G_THE = 258;
    private static final int THE = 259;
    private static final int G_G = 260;
    private static final int G_TH = 261;      // a token no merge produces
    private static final int EOT = 262;       // <|eot_id|>, control
    private static final int TOOL = 263;      // <tool>, user-defined
    private static final int IM_END = 264;    // <|im_end|> typed normal: llama.cpp makes it control and EOG

    static Vocabulary vocabulary(String pre) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf((char) ByteLevel.codePointOf(b)));
        }
        for (String m : MERGES) {
            tokens.add(m.replace(" ", ""));
        }
        tokens.add("Ġth");
        tokens.add("<|eot_id|>");
        tokens.add("<tool>");
        tokens.add("<|im_end|>");
        int[] types = new int[tokens.size()];
        Arrays.fill(types, Vocabulary.TYPE_NORMAL);
        types[EOT] = Vocabulary.TYPE_CONTROL;
        types[TOOL] = Vocabulary.TYPE_USER_DEFINED;
        return new Vocabulary(Vocabulary.Model.BYTE_LEVEL_BPE, pre, tokens.toArray(String[]::new), null, types, MERGES,
                EOT, EOT, -1, -1, -1, false, false);
    }

    private static final Tokenizer GPT2 = Tokenizer.of(vocabulary("gpt-2"));
    private static final Tokenizer LLAMA3 = Tokenizer.of(vocabulary("llama-bpe"));

    @Test
    void mergesApplyLowestRankFirst() {
        // "the" -> t h e -> t [he] (rank 0) -> [the] (rank 3);
        // " the" -> Ġ t h e -> Ġ t [he] -> [Ġt] [he] (rank 1) -> [Ġthe] (rank 2).
        assertThat(GPT2.encode("the the")).containsExactly(THE, G_THE);
        // Two spaces before a word: the first is a chunk of its own (byte 0x20 = id 32), so Ġ Ġ never meet.
        assertThat(GPT2.encode("  the")).containsExactly(32, G_THE);
        assertThat(GPT2.encode("   ")).containsExactly(G_G, 32);
    }

    @Test
    void llama3IgnoresMergesWhenTheWholeChunkIsAToken() {
        // " th": GPT-2 merges Ġ t -> Ġt, then (Ġt, h) has no merge; Llama 3 takes the token Ġth as is.
        assertThat(GPT2.encode(" th")).containsExactly(G_T, 'h');
        assertThat(LLAMA3.encode(" th")).containsExactly(G_TH);
    }

    @Test
    void bytesOutsideAsciiMapThroughTheByteLevelAlphabet() {
        byte[] utf8 = "é😀".getBytes(StandardCharsets.UTF_8);
        int[] expected = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            expected[i] = utf8[i] & 0xFF; // no merges apply: one token per byte, id = byte value
        }
        assertThat(GPT2.encode("é😀")).containsExactly(expected);
        assertThat(GPT2.tokenBytes(0xF0)).containsExactly(0xF0);
        assertThat(GPT2.tokenDisplay(0xF0)).isEqualTo("\\xf0");
        assertThat(GPT2.tokenDisplay(G_THE)).isEqualTo(" the");
        assertThat(GPT2.decode(GPT2.encode("é😀 the"))).isEqualTo("é😀 the");
    }

    @Test
    void controlTextIsPlainTextUnlessParseSpecialButUserDefinedIsAlwaysSplitOut() {
        int[] plain = GPT2.encode("x<|eot_id|>");
        assertThat(plain).doesNotContain(EOT);
        assertThat(GPT2.decode(plain)).isEqualTo("x<|eot_id|>");
        assertThat(GPT2.encode("x<|eot_id|>", false, true)).containsExactly('x', EOT);
        assertThat(GPT2.encode("a<tool>b")).containsExactly('a', TOOL, 'b');
        assertThat(GPT2.tokenBytes(TOOL)).isEqualTo("<tool>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void controlTokensContributeNoBytesAndDisplayTheirPiece() {
        assertThat(GPT2.tokenBytes(EOT)).isEmpty();
        assertThat(GPT2.tokenDisplay(EOT)).isEqualTo("<|eot_id|>");
        assertThat(GPT2.decode(new int[] {THE, EOT, G_THE})).isEqualTo("the the");
    }

    @Test
    void endOfGenerationTextsBecomeControlAndEndGeneration() {
        assertThat(GPT2.endOfGenerationIds()).containsExactly(EOT, IM_END);
        assertThat(GPT2.isControl(IM_END)).isTrue();
        assertThat(GPT2.tokenBytes(IM_END)).isEmpty();
    }

    @Test
    void addBosNeedsABosToken() {
        assertThat(GPT2.encode("the", true, false)).containsExactly(EOT, THE);
        Vocabulary noBos = new Vocabulary(Vocabulary.Model.BYTE_LEVEL_BPE, "gpt-2", new String[] {"a"}, null, null,
                null, -1, -1, -1, -1, -1, false, false);
        assertThatThrownBy(() -> Tokenizer.of(noBos).encode("a", true, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no BOS");
    }

    @Test
    void unsupportedPreTokenizerIsNamed() {
        assertThatThrownBy(() -> Tokenizer.of(vocabulary("tekken")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.ggml.pre = 'tekken'");
    }

    @Test
    void idsOutsideTheVocabularyAreRejectedWithTheirPosition() {
        assertThatThrownBy(() -> GPT2.decode(new int[] {1, 99_999}))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("ids[1] = 99999");
        assertThatThrownBy(() -> GPT2.tokenBytes(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
