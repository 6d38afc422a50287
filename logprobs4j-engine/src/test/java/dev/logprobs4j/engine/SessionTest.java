package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SessionTest {
    static Model stories;

    @BeforeAll
    static void load() {
        stories = Model.load(TestModels.stories(), LoadOptions.builder().threads(2).build());
    }

    @AfterAll
    static void close() {
        stories.close();
    }

    static int[] prompt(int n) {
        int[] t = new int[n];
        t[0] = 1;
        for (int i = 1; i < n; i++) {
            t[i] = 3 + (i * 37) % 500;
        }
        return t;
    }

    @Test
    void readsStoriesConfigFromMetadata() {
        ModelConfig c = stories.config();
        assertThat(c.architecture()).isEqualTo("llama");
        assertThat(c.vocabularySize()).isEqualTo(512);
        assertThat(c.embeddingLength()).isEqualTo(64);
        assertThat(c.blockCount()).isEqualTo(5);
        assertThat(c.headCount()).isEqualTo(8);
        assertThat(c.headCountKv()).isEqualTo(4);
        assertThat(c.ropeType()).isEqualTo(RopeType.NORMAL);
        assertThat(stories.chatTemplate()).isEmpty();
    }

    @Test
    void batchedPrefillGivesTheSameLogitsAsTokenByTokenDecoding() {
        int[] p = prompt(75); // more than two batches of 32
        List<float[]> perPosition = new ArrayList<>();
        Session batched = stories.newSession(128);
        float[] last = batched.prefill(p, (i, logits, off) -> {
            float[] copy = new float[512];
            System.arraycopy(logits, off, copy, 0, 512);
            perPosition.add(copy);
        }).clone();
        assertThat(perPosition).hasSize(p.length);
        assertThat(batched.position()).isEqualTo(p.length);
        Session single = stories.newSession(128);
        for (int i = 0; i < p.length; i++) {
            float[] logits = single.decode(p[i]);
            for (int v = 0; v < 512; v++) {
                assertThat(logits[v]).as("position %d token %d", i, v).isCloseTo(perPosition.get(i)[v],
                        org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
        assertThat(stories.newSession(128).prefill(p)).containsExactly(last);
    }

    @Test
    void rewindReplaysTheSameLogits() {
        Session s = stories.newSession(64);
        s.prefill(prompt(10));
        float[] a = s.decode(42).clone();
        s.decode(7);
        s.rewind(10);
        assertThat(s.position()).isEqualTo(10);
        assertThat(s.decode(42)).containsExactly(a);
        assertThatThrownBy(() -> s.rewind(12)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 11]");
    }

    @Test
    void rejectsTokensOutsideVocabularyAndContextOverflow() {
        Session s = stories.newSession(8);
        assertThatThrownBy(() -> s.prefill(new int[] {1, 512})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokens[1] = 512").hasMessageContaining("[0, 512)");
        assertThatThrownBy(() -> s.prefill(prompt(9))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("context full");
        assertThat(s.position()).isZero();
        s.prefill(prompt(8));
        assertThatThrownBy(() -> s.decode(5)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        int[] p = prompt(20);
        try (Model one = Model.load(TestModels.stories(), LoadOptions.builder().threads(1).build())) {
            assertThat(one.newSession(32).prefill(p)).containsExactly(stories.newSession(32).prefill(p));
        }
    }

    @Test
    void loadReportsProgressUpToTheTotal() {
        List<long[]> calls = new ArrayList<>();
        try (Model m = Model.load(TestModels.stories(),
                LoadOptions.builder().progress((done, total, name) -> calls.add(new long[] {done, total})).build())) {
            assertThat(calls).isNotEmpty();
            long[] lastCall = calls.get(calls.size() - 1);
            assertThat(lastCall[0]).isEqualTo(lastCall[1]);
            assertThat(m.config().blockCount()).isEqualTo(5);
        }
        for (int i = 1; i < calls.size(); i++) {
            assertThat(calls.get(i)[0]).isGreaterThan(calls.get(i - 1)[0]);
        }
    }

    @Test
    void unsupportedArchitectureIsNamedInTheError() {
        Path p = TestModels.targetDir("synthetic").resolve("gpt2.gguf");
        new GgufWriter().putString("general.architecture", "gpt2")
                .addTensor("token_embd.weight", new long[] {32, 4}, new float[128]).write(p);
        assertThatThrownBy(() -> Model.load(p)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("'gpt2'").hasMessageContaining("supported: gemma, gemma2, gemma3, llama, phi3, qwen2, qwen3, smollm3");
    }

    @Test
    void missingTensorIsNamedInTheError() {
        Path full = SyntheticModel.small("llama", GgmlType.F32).write(TestModels.targetDir("synthetic"));
        Path p = TestModels.targetDir("synthetic").resolve("no-ffn.gguf");
        try (var f = dev.logprobs4j.gguf.GgufFile.open(full)) {
            GgufWriter w = new GgufWriter().putAll(f.metadata());
            for (var t : f.tensors()) {
                if (!t.name().equals("blk.1.ffn_up.weight")) {
                    w.addTensor(t.name(), t.shape(), t.type(), f.data(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
            w.write(p);
        }
        assertThatThrownBy(() -> Model.load(p)).isInstanceOf(GgufFormatException.class)
                .hasMessageContaining("tensor 'blk.1.ffn_up.weight' not found");
    }
}
