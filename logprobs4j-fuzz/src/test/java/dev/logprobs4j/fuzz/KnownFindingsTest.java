package dev.logprobs4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.gguf.GgufWriter;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests for the bugs the fuzzers found (F1-F5 in {@code Model.load}, fixed; F6 a
 * Tokenizer Javadoc promise, corrected). They pin the documented behaviour: {@code Model.load}
 * throws {@link GgufFormatException} for a bad file.
 */
class KnownFindingsTest {
    @TempDir
    Path dir;

    private Path tinyLlama(String name, GgufWriter w) {
        Path p = dir.resolve(name);
        w.write(p);
        return p;
    }

    private static GgufWriter llama() {
        return Seeds.tinyModelWriter("llama", GgmlType.F32, false, false, Set.of());
    }

    private static void load(Path p) {
        try (Model m = Model.load(p, LoadOptions.builder().threads(1).build())) {
            m.config();
        }
    }

    @Test
    void zeroHeadCountIsAFormatErrorNotADivisionByZero() {
        Path p = tinyLlama("f1.gguf", llama().putUint32("llama.attention.head_count", 0));
        assertThatThrownBy(() -> load(p)).isInstanceOf(GgufFormatException.class);
    }

    @Test
    void hugeBlockCountIsAFormatErrorNotAnOutOfMemoryError() {
        // Integer.MAX_VALUE: "Requested array size exceeds VM limit"; 875574320 (found by Jazzer): "Java heap space".
        for (long blocks : new long[] {Integer.MAX_VALUE, 875_574_320L}) {
            Path p = tinyLlama("f2-" + blocks + ".gguf", llama().putUint32("llama.block_count", blocks));
            assertThatThrownBy(() -> load(p)).isInstanceOf(GgufFormatException.class)
                    .hasMessageContaining("block_count is " + blocks);
        }
    }

    @Test
    void inconsistentHyperparametersAreAFormatError() {
        // 2 query heads cannot share 3 key/value heads.
        Path p = tinyLlama("f3.gguf", llama().putUint32("llama.attention.head_count_kv", 3)
                .putUint32("llama.attention.key_length", 16));
        assertThatThrownBy(() -> load(p)).isInstanceOf(GgufFormatException.class);
    }

    @Test
    void weightTypeWithoutKernelIsAFormatError() {
        Path p = tinyLlama("f4.gguf", Seeds.tinyModelWriter("llama", GgmlType.F32, false, true, Set.of("token_embd.weight"))
                .addTensor("token_embd.weight", new long[] {256, 16}, GgmlType.Q2_K,
                        new byte[(int) GgmlType.Q2_K.byteSize(256 * 16)])
                .putUint32("llama.embedding_length", 256));
        assertThatThrownBy(() -> load(p)).isInstanceOf(GgufFormatException.class);
    }

    @Test
    void vocabularyBeyondIntRangeIsAFormatError() {
        // 32 x 2^31 x 0 elements: zero bytes, so the GGUF reader accepts it.
        Path p = tinyLlama("f5.gguf", Seeds.tinyModelWriter("llama", GgmlType.F32, false, false, Set.of("token_embd.weight"))
                .addTensor("token_embd.weight", new long[] {32, 1L << 31, 0}, new float[0]));
        assertThatThrownBy(() -> load(p)).isInstanceOf(GgufFormatException.class);
    }

    @Test
    void sentencePieceDecodesALiteralLowerOneEighthBlockAsASpaceAsDocumented() {
        try (GgufFile f = GgufFile.open(FuzzSupport.stories260K())) {
            Tokenizer tok = Tokenizer.fromGguf(f);
            assertThat(tok.decode(tok.encode("\u2581 x"))).isEqualTo("  x");
        }
    }
}
