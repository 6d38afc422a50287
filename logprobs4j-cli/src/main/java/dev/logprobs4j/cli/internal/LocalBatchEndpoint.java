package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import dev.logprobs4j.server.LogprobsServer;
import java.time.Duration;

/**
 * Batch lines on the in-process engine. Chat and completion bodies go through the same
 * OpenAI-compatible server {@code logprobs4j serve} runs, started on a loopback port for this run,
 * so every body means what it means to {@code serve} and the answers are the ones one-by-one calls
 * get; concurrent lines share the engine's decode steps. Scoring lines call
 * {@link LocalChatModel#score} directly, concurrently, so that the engine packs their texts into
 * shared forward passes (as it does for the echo prompts of completion lines). Without
 * {@code --concurrency}, scoring lines are kept in flight by tokens rather than rows, enough to fill
 * several forward passes whatever the text length (a row count that fills passes with 9-token texts
 * would hold hundreds of sessions of 4,000-token ones); chat and completion lines run
 * {@value #GENERATIONS} at a time. Thread-safe.
 */
class LocalBatchEndpoint implements BatchEndpoint {

    /**
     * Scoring tokens in flight by default: 4 forward passes of a large-vocabulary model (128 rows
     * each), 64 MiB of KV cache for a 1B model; a pass running, a full one gathered behind it, and
     * rows writing their answers meanwhile.
     */
    static final int TOKEN_BUDGET = 512;

    /** Chat and completion lines in flight by default: decode steps of this many rows. */
    static final int GENERATIONS = 8;

    private final LocalChatModel model;
    private final LogprobsServer server;
    private final HttpBatchEndpoint http;
    // Held so the level sticks: the embedded server's start-up lines would clutter the progress bar.
    private static final java.util.logging.Logger JETTY = java.util.logging.Logger.getLogger("org.eclipse.jetty");

    LocalBatchEndpoint(LocalChatModel model, int concurrency, ObjectMapper mapper) {
        this.model = model;
        JETTY.setLevel(java.util.logging.Level.WARNING);
        this.server = LogprobsServer.builder().model(model).host("127.0.0.1").port(0).maxConcurrent(concurrency)
                .queueCapacity(concurrency).requestTimeout(Duration.ofHours(1)).build().start();
        // Lines name any model (gpt-4o-mini, ...): the local engine answers them all under its own name.
        this.http = new HttpBatchEndpoint(mapper, server.baseUrl(), null, model.modelName(), 0);
    }

    @Override
    public String modelName() {
        return model.modelName();
    }

    /** A scoring line weighs its tokens, a chat or completion line an equal share of {@value #GENERATIONS}. */
    @Override
    public int weight(BatchLine line) {
        if (!line.url().equals(BatchLine.SCORE)) {
            return TOKEN_BUDGET / GENERATIONS;
        }
        return Math.min(TOKEN_BUDGET, model.tokenize(line.body().get("text").asText()).length);
    }

    @Override
    public int defaultBudget() {
        return TOKEN_BUDGET;
    }

    @Override
    public BatchResult run(BatchLine line) throws InterruptedException {
        if (!line.url().equals(BatchLine.SCORE)) {
            return http.run(line);
        }
        String text = line.body().get("text").asText();
        PromptScore score;
        try {
            score = model.score(text, line.body().get("top_logprobs").asInt());
        } catch (IllegalArgumentException e) {
            return http.error(400, "invalid_value", e.getMessage());
        }
        String name = model.modelName();
        return new BatchResult(200, json -> OpenAiJson.writeScore(json, name, text, score.unscored(), score.scored()),
                score.unscored().size() + score.scored().size());
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }
}
