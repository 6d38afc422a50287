package dev.logprobs4j.local.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.local.SharedModelFiles;
import dev.logprobs4j.local.template.ChatTemplate;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Generations that run at the same time share decode steps, yet each streams exactly the chunks
 * (text, logprobs, finish) it streams alone: its seed alone decides its samples, whatever else runs.
 * The solo runs are the independent oracle: one member per step is the plain single-session decode.
 */
class BatchedGenerationTest {
    private static final String[] PROMPTS = {"Once upon a time", "The cat", "Tom and Lily went to the park. They saw",
        "One day", "A big red ball", "She was happy because"};

    private Model model;
    private LocalEngine engine;

    @BeforeEach
    void load() {
        model = Model.load(SharedModelFiles.stories260K(), LoadOptions.builder().threads(2).build());
        engine = new LocalEngine(model, Tokenizer.fromGguf(model.gguf()), ChatTemplate.plain(), "stories", 256);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private LocalGeneration generation(int i) {
        ChatOptions options = ChatOptions.builder().temperature(1.0).seed(1000L + i).logprobs(true).topLogprobs(2).maxTokens(48).build();
        return new LocalGeneration(engine, engine.encodeWithBos(PROMPTS[i % PROMPTS.length], false), options, 0,
                new ResponseInfo("gen-" + i, "stories", null, null, Map.of()));
    }

    /** Pulls every chunk (or {@code limit} of them, then closes). */
    private static List<AIMessageChunk> drain(LocalGeneration g, int limit) {
        List<AIMessageChunk> chunks = new ArrayList<>();
        try (g) {
            for (AIMessageChunk c; chunks.size() < limit && (c = g.next()) != null;) {
                chunks.add(c);
            }
        }
        return chunks;
    }

    private List<List<AIMessageChunk>> concurrently(int n, int closeAfter) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<AIMessageChunk>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                LocalGeneration g = generation(i);
                int limit = i == 0 ? closeAfter : Integer.MAX_VALUE;
                futures.add(pool.submit(() -> {
                    go.await();
                    return drain(g, limit);
                }));
            }
            go.countDown();
            List<List<AIMessageChunk>> out = new ArrayList<>();
            for (Future<List<AIMessageChunk>> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentGenerationsWithDifferentSeedsEachStreamTheirSoloChunks() throws Exception {
        int n = PROMPTS.length;
        List<List<AIMessageChunk>> solo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            solo.add(drain(generation(i), Integer.MAX_VALUE));
        }
        long soloSteps = engine.scheduler().steps();
        assertThat(engine.scheduler().rows()).as("alone, every step feeds one token").isEqualTo(soloSteps);

        List<List<AIMessageChunk>> together = concurrently(n, Integer.MAX_VALUE);

        for (int i = 0; i < n; i++) {
            assertThat(together.get(i)).as("chunks of generation %d", i).isEqualTo(solo.get(i));
        }
        // Seeds and prompts differ, so a mix-up of rows or samplers would have shown.
        assertThat(solo.get(0)).isNotEqualTo(solo.get(1));
        long steps = engine.scheduler().steps() - soloSteps;
        long rows = engine.scheduler().rows() - soloSteps;
        System.out.printf("%d generations: %d tokens in %d shared steps (mean batch %.2f)%n", n, rows, steps, (double) rows / steps);
        assertThat(rows).as("tokens decoded concurrently").isGreaterThan(steps); // some steps held several generations
        assertThat(engine.scheduler().members()).isZero();
    }

    @Test
    void closingOneGenerationMidwayLeavesTheOthersUndisturbed() throws Exception {
        int n = 4;
        List<List<AIMessageChunk>> solo = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            solo.add(drain(generation(i), Integer.MAX_VALUE));
        }

        List<List<AIMessageChunk>> together = concurrently(n, 6);

        assertThat(together.get(0)).as("the closed generation's chunks so far").isEqualTo(solo.get(0).subList(0, 6));
        for (int i = 1; i < n; i++) {
            assertThat(together.get(i)).as("chunks of generation %d", i).isEqualTo(solo.get(i));
        }
        assertThat(engine.scheduler().members()).as("nobody is left waited for").isZero();
        // The closed generation's session went back to the pool and serves the next request afresh.
        assertThat(drain(generation(2), Integer.MAX_VALUE)).isEqualTo(solo.get(2));
    }
}
