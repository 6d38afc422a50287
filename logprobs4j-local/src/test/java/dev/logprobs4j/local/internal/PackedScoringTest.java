package dev.logprobs4j.local.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.local.SharedModelFiles;
import dev.logprobs4j.local.template.ChatTemplate;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Texts scored at the same time are packed into shared prefills, yet each gets exactly the
 * logprobs it gets alone. The oracle is an engine with batching off: every window prefilled alone
 * in its own session, the path that existed before packing.
 */
class PackedScoringTest {
    private static final String[] TEXTS = {"Once upon a time there was a little girl named Lily.", "The cat",
        "Tom and Lily went to the park. They saw a big red ball and they played with it all day long until the sun went down.",
        "One day", "A", "She was happy because her mom gave her a new toy."};

    private Model model;
    private LocalEngine packed;
    private LocalEngine solo;

    @BeforeEach
    void load() {
        model = Model.load(SharedModelFiles.stories260K(), LoadOptions.builder().threads(2).build());
        packed = new LocalEngine(model, Tokenizer.fromGguf(model.gguf()), ChatTemplate.plain(), "stories", 256);
        System.setProperty("logprobs4j.batching", "false");
        try {
            solo = new LocalEngine(model, Tokenizer.fromGguf(model.gguf()), ChatTemplate.plain(), "stories", 256);
        } finally {
            System.clearProperty("logprobs4j.batching");
        }
    }

    @AfterEach
    void close() {
        if (packed != null) {
            packed.close(); // the model is shared: closing one engine unmaps it for both
        }
    }

    /** (position, context, logprob) of every scored token, with windows of 12 tokens and a stride of 5. */
    private static List<String> score(LocalEngine engine, String text) {
        List<String> out = new ArrayList<>();
        int[] tokens = engine.encodeWithBos(text, false);
        new RollingScorer(engine, 12, 5, 3).score(tokens, (position, context, logprob) -> out.add(position + " " + context + " "
                + describe(logprob)));
        return out;
    }

    private static String describe(TokenLogprob t) {
        // Exact doubles: the packed and solo passes must agree bit for bit, not within a tolerance.
        StringBuilder sb = new StringBuilder(t.tokenId() + ":" + Double.doubleToRawLongBits(t.logprob()) + ":" + t.rank());
        t.topLogprobs().forEach(a -> sb.append(' ').append(a.tokenId()).append(':').append(Double.doubleToRawLongBits(a.logprob())));
        return sb.toString();
    }

    @Test
    void concurrentScoresEqualSoloScoresAndShareTheirPasses() throws Exception {
        scoreConcurrently(3 * TEXTS.length);
        PrefillScheduler s = packed.prefills();
        assertThat(s.prompts()).as("windows fed").isGreaterThan(3 * TEXTS.length);
        assertThat(s.passes()).as("shared prefills, fewer than the windows fed").isLessThan(s.prompts());
    }

    @Test
    void promptsBeyondOnePassWaitForTheNextWholeAndKeepTheirLogprobs() throws Exception {
        // 60 first windows of up to 12 tokens: more rows than one pass of 256 holds.
        scoreConcurrently(10 * TEXTS.length);
        PrefillScheduler s = packed.prefills();
        assertThat(s.passes()).as("prefills: at least the first windows' rows / 256").isGreaterThanOrEqualTo(3);
        assertThat(s.passes()).isLessThan(s.prompts());
    }

    private void scoreConcurrently(int n) throws Exception {
        List<List<String>> expected = new ArrayList<>();
        for (String t : TEXTS) {
            expected.add(score(solo, t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String text = TEXTS[i % TEXTS.length];
                packed.joinScoring(); // all join before any starts: the first pass waits for them
                futures.add(pool.submit(() -> {
                    try {
                        go.await();
                        return score(packed, text);
                    } finally {
                        packed.leaveScoring();
                    }
                }));
            }
            go.countDown();
            for (int i = 0; i < n; i++) {
                assertThat(futures.get(i).get()).as("text %d", i % TEXTS.length).isEqualTo(expected.get(i % TEXTS.length));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingSinkFailsItsOwnCallOnly() throws Exception {
        List<String> expected = score(solo, TEXTS[2]);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            packed.joinScoring();
            packed.joinScoring();
            Future<List<String>> good = pool.submit(() -> {
                try {
                    go.await();
                    return score(packed, TEXTS[2]);
                } finally {
                    packed.leaveScoring();
                }
            });
            Future<?> bad = pool.submit(() -> {
                try {
                    go.await();
                    int[] tokens = packed.encodeWithBos(TEXTS[0], false);
                    return new RollingScorer(packed, 12, 5, 0).score(tokens, (p, c, l) -> {
                        throw new IllegalStateException("sink refused token " + p);
                    });
                } finally {
                    packed.leaveScoring();
                }
            });
            go.countDown();
            assertThat(good.get()).isEqualTo(expected);
            assertThatThrownBy(bad::get).hasRootCauseMessage("sink refused token 1");
        } finally {
            pool.shutdownNow();
        }
    }
}
