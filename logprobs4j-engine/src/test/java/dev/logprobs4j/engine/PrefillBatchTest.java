package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prompts packed into shared passes leave every session exactly where a solo prefill would: the
 * logits of every position, the last logits and the position, bit for bit (the same reasoning as
 * {@link DecodeBatchTest}: only the matrix products see the batch, and they are batch-invariant).
 */
class PrefillBatchTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.logprobs4j.engine.DecodeBatchTest#models")
    void packedPromptsEqualSoloPrefillsBitForBit(Path file) {
        try (Model m = Model.load(file, LoadOptions.builder().threads(2).build())) {
            int vocab = m.config().vocabularySize();
            // Lengths 1 to 40 with maxRows 7: prompts straddle passes, and a pass holds several prompts.
            int[][] prompts = {DecodeBatchTest.prompt(5, 0), DecodeBatchTest.prompt(1, 1), DecodeBatchTest.prompt(40, 2),
                DecodeBatchTest.prompt(3, 3), DecodeBatchTest.prompt(12, 4)};
            int n = prompts.length;
            Session[] packed = new Session[n];
            List<List<float[]>> expected = new ArrayList<>();
            float[][] soloLast = new float[n][];
            for (int i = 0; i < n; i++) {
                KvCacheType kv = i == 3 ? KvCacheType.F16 : KvCacheType.F32;
                Session solo = m.newSession(64, kv);
                packed[i] = m.newSession(64, kv);
                if (i == 4) {
                    // A session that already holds a conversation: its prompt continues at position 6.
                    int[] before = DecodeBatchTest.prompt(6, 9);
                    solo.prefill(before);
                    packed[i].prefill(before);
                }
                List<float[]> rows = new ArrayList<>();
                solo.prefill(prompts[i], (index, logits, off) -> rows.add(Arrays.copyOfRange(logits, off, off + vocab)));
                expected.add(rows);
                soloLast[i] = solo.logits().clone();
            }
            int[] seen = new int[n];
            m.newPrefillBatch(7).prefill(packed, prompts, n, (sequence, index, logits, off) -> {
                assertThat(index).as("sequence %d comes in order", sequence).isEqualTo(seen[sequence]++);
                assertThat(Arrays.copyOfRange(logits, off, off + vocab)).as("sequence %d token %d", sequence, index)
                        .containsExactly(expected.get(sequence).get(index));
            });
            for (int i = 0; i < n; i++) {
                assertThat(seen[i]).isEqualTo(prompts[i].length);
                assertThat(packed[i].position()).isEqualTo(prompts[i].length + (i == 4 ? 6 : 0));
                assertThat(packed[i].logits()).as("last logits of sequence %d", i).containsExactly(soloLast[i]);
            }
        }
    }

    @Test
    void cacheWrittenByAPackedPassServesLaterDecodes() {
        try (Model m = Model.load(TestModels.stories(), LoadOptions.builder().threads(2).build())) {
            int[] a = DecodeBatchTest.prompt(9, 1);
            int[] b = DecodeBatchTest.prompt(4, 2);
            Session soloA = m.newSession(32);
            soloA.prefill(a);
            Session[] packed = {m.newSession(32), m.newSession(32)};
            m.newPrefillBatch(PrefillBatch.defaultRows(m.config())).prefill(packed, new int[][] {a, b}, 2, (s, i, l, o) -> { });
            assertThat(packed[0].decode(7)).containsExactly(soloA.decode(7));
        }
    }

    @Test
    void rejectedArgumentsChangeNothing() {
        try (Model m = Model.load(TestModels.stories(), LoadOptions.builder().threads(1).build())) {
            Session a = m.newSession(8);
            Session b = m.newSession(8);
            PrefillBatch batch = m.newPrefillBatch(4);
            PrefillBatch.LogitsConsumer none = (s, i, l, o) -> { };
            assertThatThrownBy(() -> batch.prefill(new Session[] {a, a}, new int[][] {{1}, {1}}, 2, none))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessions[0] and sessions[1] are the same session");
            assertThatThrownBy(() -> batch.prefill(new Session[] {a, b}, new int[][] {{1}, {}}, 2, none))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens[1] must not be empty");
            assertThatThrownBy(() -> batch.prefill(new Session[] {a, b}, new int[][] {{1}, {1, 512}}, 2, none))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens[1][1] = 512 is not in the vocabulary [0, 512)");
            assertThatThrownBy(() -> batch.prefill(new Session[] {a, b}, new int[][] {{1}, new int[9]}, 2, none))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("tokens[1] has 9 tokens");
            assertThatThrownBy(() -> batch.prefill(new Session[] {a, b}, new int[][] {{1}}, 2, none))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("= [1, 1], is 2");
            assertThat(a.position()).isZero();
            assertThat(b.position()).isZero();
        }
    }

    @Test
    void aFailingConsumerRewindsEverySession() {
        try (Model m = Model.load(TestModels.stories(), LoadOptions.builder().threads(1).build())) {
            Session a = m.newSession(16);
            a.prefill(new int[] {1, 20});
            Session b = m.newSession(16);
            // maxRows 3: the first pass feeds all of a's prompt and part of b's before the consumer fails.
            assertThatThrownBy(() -> m.newPrefillBatch(3).prefill(new Session[] {a, b}, new int[][] {{30, 40}, {1, 2, 3, 4}}, 2,
                    (s, i, l, o) -> {
                        if (s == 1) {
                            throw new IllegalStateException("sink full");
                        }
                    })).hasMessage("sink full");
            assertThat(a.position()).isEqualTo(2);
            assertThat(b.position()).isZero();
        }
    }
}
