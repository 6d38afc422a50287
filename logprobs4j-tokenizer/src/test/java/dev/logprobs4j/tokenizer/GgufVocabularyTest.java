package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code tokenizer.ggml.*} from GGUF files: defaults, flags and errors that name the file and key. */
class GgufVocabularyTest {
    @TempDir
    Path dir;

    private Path write(String name, Consumer<GgufWriter> metadata) {
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama");
        metadata.accept(w);
        Path p = dir.resolve(name);
        w.write(p);
        return p;
    }

    private static Tokenizer read(Path p) {
        try (GgufFile f = GgufFile.open(p)) {
            return Tokenizer.fromGguf(f);
        }
    }

    private static final String[] SPM_TOKENS = {"<unk>", "<s>", "</s>", "\u2581", "a", "\u2581a"};

    @Test
    void sentencePieceDefaultsAreLlamaCppsAndFlagsAreRead() {
        Tokenizer defaults = read(write("spm.gguf", w -> w.putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", SPM_TOKENS)
                .putFloat32Array("tokenizer.ggml.scores", 0, 0, 0, -1, -1, -0.5f)));
        assertThat(defaults.bosId()).isEqualTo(1);
        assertThat(defaults.eosId()).isEqualTo(2);
        assertThat(defaults.addBosByDefault()).isTrue();
        assertThat(defaults.encode("a")).containsExactly(5);

        Tokenizer flags = read(write("spm-flags.gguf", w -> w.putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", SPM_TOKENS)
                .putFloat32Array("tokenizer.ggml.scores", 0, 0, 0, -1, -1, -0.5f)
                .putBool("tokenizer.ggml.add_space_prefix", false)
                .putBool("tokenizer.ggml.add_bos_token", false)));
        assertThat(flags.addBosByDefault()).isFalse();
        assertThat(flags.encode("a")).containsExactly(4);
        // "b" is no piece and there are no byte tokens: it becomes <unk>, which contributes no bytes.
        assertThat(flags.encode("ab")).containsExactly(4, 0);
    }

    @Test
    void fileWithoutTokenizerIsRejectedNamingFileAndKey() {
        Path p = write("none.gguf", w -> { });
        assertThatThrownBy(() -> read(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none.gguf")
                .hasMessageContaining("'tokenizer.ggml.model' is missing");
    }

    @Test
    void unsupportedModelAndPreTokenizerAreNamed() {
        Path bert = write("bert.gguf", w -> w.putString("tokenizer.ggml.model", "bert")
                .putStringArray("tokenizer.ggml.tokens", "a"));
        assertThatThrownBy(() -> read(bert)).hasMessageContaining("bert.gguf")
                .hasMessageContaining("tokenizer.ggml.model = 'bert' is not supported");
        Path tekken = write("tekken.gguf", w -> w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "tekken")
                .putStringArray("tokenizer.ggml.tokens", "a")
                .putStringArray("tokenizer.ggml.merges", "a a"));
        assertThatThrownBy(() -> read(tekken)).hasMessageContaining("tekken.gguf")
                .hasMessageContaining("tokenizer.ggml.pre = 'tekken' is not a supported pre-tokenizer");
    }

    @Test
    void byteLevelBpeNeedsMerges() {
        Path p = write("nomerges.gguf", w -> w.putString("tokenizer.ggml.model", "gpt2")
                .putStringArray("tokenizer.ggml.tokens", "a"));
        assertThatThrownBy(() -> read(p)).hasMessageContaining("'tokenizer.ggml.merges' is missing");
    }

    @Test
    void wronglyTypedOrMismatchedArraysAreNamed() {
        Path ints = write("ints.gguf", w -> w.putString("tokenizer.ggml.model", "llama")
                .putInt32Array("tokenizer.ggml.tokens", 1, 2));
        assertThatThrownBy(() -> read(ints)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tokenizer.ggml.tokens");
        Path scores = write("scores.gguf", w -> w.putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", SPM_TOKENS)
                .putFloat32Array("tokenizer.ggml.scores", 0, 0));
        assertThatThrownBy(() -> read(scores)).hasMessageContaining("scores.gguf")
                .hasMessageContaining("scores must have one entry per token: 2 scores for 6 tokens");
    }
}
