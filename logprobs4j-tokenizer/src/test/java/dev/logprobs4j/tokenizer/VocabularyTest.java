package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VocabularyTest {
    private static final String[] TOKENS = {"<unk>", "<s>", "</s>", "a"};

    private static Vocabulary spm(float[] scores, int[] types, int bos) {
        return new Vocabulary(Vocabulary.Model.SENTENCEPIECE, "", TOKENS, scores, types, null, bos, 2, -1, -1, 0,
                bos >= 0, true);
    }

    @Test
    void arraysMustHaveOneEntryPerToken() {
        assertThatThrownBy(() -> spm(new float[3], null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scores must have one entry per token: 3 scores for 4 tokens");
        assertThatThrownBy(() -> spm(null, new int[5], 1))
                .hasMessageContaining("tokenTypes must have one entry per token");
    }

    @Test
    void specialIdsMustBeTokensOrMinusOne() {
        assertThatThrownBy(() -> spm(null, null, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bosId must be -1 (none) or within [0, 4), was 4");
    }

    @Test
    void missingOptionalArraysGetDefaultsAndAccessorsReturnCopies() {
        Vocabulary v = spm(null, null, 1);
        assertThat(v.scores()).containsExactly(0f, 0f, 0f, 0f);
        assertThat(v.tokenTypes()).containsOnly(Vocabulary.TYPE_NORMAL);
        v.tokens()[3] = "changed";
        assertThat(v.tokens()[3]).isEqualTo("a");
        assertThat(v).isEqualTo(spm(null, null, 1));
    }

    @Test
    void unknownModelNamesAreRejectedWithTheSupportedOnes() {
        assertThatThrownBy(() -> Vocabulary.Model.fromGgufName("bert"))
                .hasMessageContaining("tokenizer.ggml.model = 'bert' is not supported")
                .hasMessageContaining("'llama'")
                .hasMessageContaining("'gpt2'");
    }
}
