package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.gguf.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A batched decode step leaves every session exactly where decoding alone would: same logits, bit
 * for bit, and same position. Exact equality is the right bound, not a tolerance: MatMul computes
 * each output with one WeightMatrix.dot call whatever the batch size (its documented contract), and
 * every other step (norms, RoPE, cache append, attention, SwiGLU) runs the same code on the same
 * floats in the same order, so any difference is a bug (a wrong position, a mixed-up cache or row).
 */
class DecodeBatchTest {

    static Stream<Arguments> models() {
        List<Arguments> a = new ArrayList<>();
        a.add(Arguments.of(SyntheticModel.small("llama", GgmlType.Q8_0).write(TestModels.targetDir("synthetic"))));
        // qwen2: q/k/v biases, tied embeddings; qwen3: per-head q/k norms, 4:1 GQA, key_length != dim / heads.
        a.add(Arguments.of(new SyntheticModel("qwen2", GgmlType.Q8_0, 256, 2, 4, 2, 64, 512, false, true, 6)
                .write(TestModels.targetDir("synthetic"))));
        a.add(Arguments.of(new SyntheticModel("qwen3", GgmlType.F32, 256, 2, 8, 2, 64, 512, false, true, 8)
                .write(TestModels.targetDir("synthetic"))));
        a.add(Arguments.of(new SyntheticModel("llama", GgmlType.Q4_K, 256, 2, 4, 2, 64, 512, true, false, 5)
                .write(TestModels.targetDir("synthetic"))));
        a.add(Arguments.of(TestModels.stories()));
        return a.stream();
    }

    static int[] prompt(int n, int salt) {
        int[] t = new int[n];
        t[0] = 1;
        for (int i = 1; i < n; i++) {
            t[i] = 3 + (i * 37 + salt * 101) % 500;
        }
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void batchedStepsEqualSoloDecodesAtDifferentPositions(Path file) {
        try (Model m = Model.load(file, LoadOptions.builder().threads(2).build())) {
            int n = 4;
            Session[] batched = new Session[n];
            Session[] solo = new Session[n];
            for (int i = 0; i < n; i++) {
                // Prompt lengths 3, 8, 13, 18: every session decodes at its own position.
                int[] p = prompt(3 + 5 * i, i);
                KvCacheType kv = i == 3 ? KvCacheType.F16 : KvCacheType.F32;
                batched[i] = m.newSession(64, kv);
                solo[i] = m.newSession(64, kv);
                batched[i].prefill(p);
                solo[i].prefill(p);
            }
            DecodeBatch batch = m.newDecodeBatch();
            int[] tokens = new int[n];
            Session[] members = new Session[n];
            for (int step = 0; step < 6; step++) {
                // Membership changes between steps: session 1 sits out step 2 (decoding alone instead),
                // and the order of the rows is rotated, so rows are not tied to sessions.
                int count = 0;
                for (int j = 0; j < n; j++) {
                    int i = (j + step) % n;
                    int token = argmax(solo[i].logits());
                    if (step == 2 && i == 1) {
                        batched[i].decode(token);
                    } else {
                        members[count] = batched[i];
                        tokens[count++] = token;
                    }
                    solo[i].decode(token);
                }
                batch.decode(members, tokens, count);
                for (int i = 0; i < n; i++) {
                    assertThat(batched[i].position()).as("position of session %d after step %d", i, step)
                            .isEqualTo(solo[i].position());
                    assertThat(batched[i].logits()).as("logits of session %d after step %d", i, step)
                            .containsExactly(solo[i].logits());
                }
            }
            // The sessions did not all predict the same thing: rows could not have been swapped unnoticed.
            assertThat(solo[0].logits()).isNotEqualTo(solo[2].logits());
        }
    }

    /**
     * The one forward pass gives a row the same bits whatever else is in its batch: a prompt's rows
     * (chunks of 32, attention spread over threads), a scored prompt's rows and token-by-token solo
     * decoding agree exactly. The stated bound is "float summation order only", and the kernels keep
     * one order per output for any batch, so here the bound is 0. F32 weights (exact products) and
     * Q8_0 with 8-bit activations (quantised per row) both.
     */
    @ParameterizedTest(name = "exact={1} {0}")
    @MethodSource("batchInvarianceModels")
    void promptRowsAndScoredRowsEqualSoloDecodingBitForBit(Path file, boolean exact) {
        try (Model m = Model.load(file, LoadOptions.builder().threads(2).exact(exact).build())) {
            int vocab = m.config().vocabularySize();
            int[] p = prompt(45, 3); // two chunks, the second one partial
            Session solo = m.newSession(64);
            List<float[]> soloLogits = new ArrayList<>();
            for (int t : p) {
                soloLogits.add(solo.decode(t).clone());
            }
            Session batched = m.newSession(64);
            batched.prefill(p, (i, logits, off) -> assertThat(java.util.Arrays.copyOfRange(logits, off, off + vocab))
                    .as("row %d of the prompt", i).containsExactly(soloLogits.get(i)));
            LogprobStep expected = new LogprobStep(5);
            int[] scored = {0};
            m.newSession(64).score(p, new LogprobStep(5), (i, step) -> {
                expected.compute(soloLogits.get(i - 1), 0, vocab, p[i]);
                assertThat(step.logprob()).as("score of token %d", i).isEqualTo(expected.logprob());
                assertThat(step.topId(0)).isEqualTo(expected.topId(0));
                scored[0]++;
            });
            assertThat(scored[0]).isEqualTo(p.length - 1);
        }
    }

    static Stream<Arguments> batchInvarianceModels() {
        Path dir = TestModels.targetDir("synthetic");
        return Stream.of(
                Arguments.of(new SyntheticModel("qwen3", GgmlType.F32, 256, 2, 8, 2, 64, 512, false, true, 8).write(dir), true),
                Arguments.of(SyntheticModel.small("llama", GgmlType.Q8_0).write(dir), false));
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void rejectsTheSameSessionTwiceAndChangesNothing() {
        try (Model m = Model.load(TestModels.stories())) {
            Session s = m.newSession(16);
            s.prefill(new int[] {1, 403});
            float[] before = s.logits().clone();
            DecodeBatch batch = m.newDecodeBatch();
            assertThatThrownBy(() -> batch.decode(new Session[] {s, s}, new int[] {5, 6}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sessions[0] and sessions[1] are the same session");
            assertThat(s.position()).isEqualTo(2);
            assertThat(s.logits()).containsExactly(before);
        }
    }

    @Test
    void rejectsSessionsOfAnotherModelAndTokensOutsideTheVocabulary() {
        try (Model m = Model.load(TestModels.stories()); Model other = Model.load(TestModels.stories())) {
            Session mine = m.newSession(16);
            Session foreign = other.newSession(16);
            DecodeBatch batch = m.newDecodeBatch();
            assertThatThrownBy(() -> batch.decode(new Session[] {mine, foreign}, new int[] {1, 1}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessions[1] belongs to another model");
            assertThatThrownBy(() -> batch.decode(new Session[] {mine}, new int[] {512}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens[0] = 512 is not in the vocabulary");
            assertThatThrownBy(() -> batch.decode(new Session[] {mine}, new int[] {1}, 2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count must be within");
            assertThat(mine.position()).isZero();
        }
    }

    @Test
    void rejectsASessionWhoseContextIsFull() {
        try (Model m = Model.load(TestModels.stories())) {
            Session full = m.newSession(2);
            full.prefill(new int[] {1, 403});
            assertThatThrownBy(() -> m.newDecodeBatch().decode(new Session[] {full}, new int[] {7}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("context full: sessions[0]");
        }
    }
}
