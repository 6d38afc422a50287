package dev.logprobs4j.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reads the real model files in {@code ../shared/models} and checks facts published about them. */
class GgufRealFilesTest {

    @Test
    void stories260KIsAnF32LlamaWith512Tokens() {
        Path p = SharedModels.model("stories260K.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertThat(m.getString("general.architecture")).isEqualTo("llama");
            assertThat(m.getString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(m.getStringArray("tokenizer.ggml.tokens")).hasSize(512);
            assertThat(m.getFloatArray("tokenizer.ggml.scores")).hasSize(512);
            assertThat(m.getIntArray("tokenizer.ggml.token_type")).hasSize(512);
            assertThat(f.tensors()).isNotEmpty().allSatisfy(t -> assertThat(t.type()).isEqualTo(GgmlType.F32));
            int dim = m.getInt("llama.embedding_length");
            GgufTensorInfo embd = f.tensor("token_embd.weight");
            assertThat(embd.shape()).containsExactly(dim, 512);
            // Every tensor lies inside the file, and the last one ends at (or just before padding to) the end.
            long end = f.tensors().stream().mapToLong(t -> f.dataOffset() + t.offset() + t.byteSize()).max().orElseThrow();
            assertThat(end).isLessThanOrEqualTo(f.fileSize()).isGreaterThan(f.fileSize() - f.alignment());
            // Trained RMSNorm weights are finite and mostly positive numbers of order 1.
            var norm = f.data(f.tensor("blk.0.attn_norm.weight"));
            float w0 = norm.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            assertThat(w0).isBetween(-100f, 100f);
        }
    }

    @Test
    void llama2TinyRandomHasTheLlama2Vocabulary() throws Exception {
        Path p = SharedModels.model("llama-2-tiny-random.gguf");
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            assertThat(m.getString("general.architecture")).isEqualTo("llama");
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            assertThat(tokens).hasSize(32000);
            assertThat(tokens[1]).isEqualTo("<s>");
            assertThat(tokens[2]).isEqualTo("</s>");
            assertThat(f.version()).isIn(2, 3);
            assertThat(f.fileSize()).isEqualTo(Files.size(p));
        }
    }
}
