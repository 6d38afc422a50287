package dev.logprobs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.cli.internal.Io;
import dev.logprobs4j.cli.internal.Terminal;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.gguf.GgufWriter;
import dev.logprobs4j.gguf.Quantizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {

    @TempDir
    Path tmp;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), new Terminal(false, false), spec -> {
                    throw new AssertionError("info opens no backend");
                });
        return Main.run(args, io);
    }

    /** A tiny llama-shaped file: 4 tokens, dim 256, one layer (7 * 256^2 + 4 * 256 + 3 * 256 = 460,544 parameters), with the given architecture and matrix type. */
    static Path write(Path dir, String arch, GgmlType matrixType, String tokenizerModel, String ropeScaling) {
        int dim = 256;
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", arch)
                .putUint32(arch + ".context_length", 4096)
                .putUint32(arch + ".embedding_length", dim)
                .putUint32(arch + ".block_count", 1)
                .putUint32(arch + ".feed_forward_length", dim)
                .putUint32(arch + ".attention.head_count", 4)
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", 1e-5f)
                .putString("tokenizer.ggml.model", tokenizerModel)
                .putStringArray("tokenizer.ggml.tokens", "<unk>", "<s>", "</s>", "a")
                .putFloat32Array("tokenizer.ggml.scores", 0f, 0f, 0f, -1f)
                .putInt32Array("tokenizer.ggml.token_type", 2, 3, 3, 1)
                .putUint32("tokenizer.ggml.bos_token_id", 1)
                .putUint32("tokenizer.ggml.eos_token_id", 2)
                .putString("tokenizer.chat_template", "\n{% for message in messages %}{{ message['content'] }}\n{% endfor %}");
        if (ropeScaling != null) {
            w.putString(arch + ".rope.scaling.type", ropeScaling);
        }
        float[] square = new float[dim * dim];
        java.util.Arrays.fill(square, 0.01f);
        w.addTensor("token_embd.weight", new long[] {dim, 4}, new float[dim * 4]);
        String p = "blk.0.";
        w.addTensor(p + "attn_norm.weight", new long[] {dim}, new float[dim]);
        for (String m : new String[] {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"}) {
            byte[] data = matrixType == GgmlType.IQ2_XS ? new byte[(int) matrixType.byteSize(dim * dim)] : Quantizer.quantize(matrixType, square);
            w.addTensor(p + m + ".weight", new long[] {dim, dim}, matrixType, data);
        }
        w.addTensor(p + "ffn_norm.weight", new long[] {dim}, new float[dim]);
        w.addTensor("output_norm.weight", new long[] {dim}, new float[dim]);
        Path file = dir.resolve(arch + "-" + matrixType + ".gguf");
        w.write(file);
        return file;
    }

    @Test
    void aSupportedFileShowsItsPartsAndExitsZero() {
        Path file = write(tmp, "llama", GgmlType.Q5_K, "llama", null);
        assertThat(run("info", file.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                file            llama-Q5_K.gguf
                architecture    llama
                parameters      460,544 (461K)
                tensor types    F32 x4, Q5_K x7
                context length  4096
                chat template   {% for message in messages %}{{ message['content'] }}
                special tokens  bos 1 '<s>', eos 2 '</s>'
                supported       yes, every part
                """);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnsupportedFileNamesEveryUnsupportedPartAndWhatIsSupported() {
        Path file = write(tmp, "mamba", GgmlType.IQ2_XS, "bert", "yarn");
        assertThat(run("info", file.toString())).isEqualTo(1);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("tensor types    F32 x4, IQ2_XS x7\n").contains("supported       no:\n")
                .contains("  - architecture 'mamba' (supported: gemma, gemma2, gemma3, llama, phi3, qwen2, qwen3, smollm3)\n")
                .contains("  - tensor type IQ2_XS (7 tensors; supported: F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K,"
                        + " Q5_K, Q6_K, IQ4_NL, IQ4_XS, BF16)\n")
                .contains("  - rope scaling 'yarn' (supported: none, linear, and Llama 3 frequency factors in rope_freqs.weight)\n")
                .contains("  - tokenizer: tokenizer.ggml.model = 'bert' is not supported; supported models are 'llama'");
    }

    @Test
    void loadingAnUnsupportedFileFailsWithTheSameNames() {
        Path file = write(tmp, "mamba", GgmlType.IQ2_XS, "llama", null);
        Assertions.assertThatThrownBy(() -> Model.load(file, LoadOptions.builder().threads(1).build()))
                .isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("architecture 'mamba' (supported: gemma, gemma2, gemma3, llama, phi3, qwen2, qwen3, smollm3)")
                .hasMessageContaining("tensor type IQ2_XS (7 tensors; supported: F32, F16, Q4_0");
    }

    @Test
    void chatWithAnUnsupportedModelFailsWithTheSameNamesAndNoStackTrace() {
        Path file = write(tmp, "mamba", GgmlType.IQ2_XS, "llama", null);
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), new Terminal(false, false),
                new dev.logprobs4j.cli.internal.Backends(Map.of()));
        assertThat(Main.run(new String[] {"chat", "hi", "--model", file.toString()}, io)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("logprobs4j: " + file.getFileName() + ": this engine cannot run the file: architecture 'mamba'")
                .contains("tensor type IQ2_XS (7 tensors; supported: ")
                .doesNotContain("unexpected").doesNotContain("--verbose");
    }

    @Test
    void aFileThatIsNotGgufFailsWithOneLine() throws Exception {
        Path file = tmp.resolve("notes.gguf");
        java.nio.file.Files.writeString(file, "not a model");
        assertThat(run("info", file.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("logprobs4j: ").contains("notes.gguf").doesNotContain("\tat ");
        assertThat(run("info", tmp.resolve("missing.gguf").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.gguf does not exist");
    }
}
