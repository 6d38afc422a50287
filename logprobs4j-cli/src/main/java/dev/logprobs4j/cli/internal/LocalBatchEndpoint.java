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
 * shared forward passes (as it does for the echo prompts of completion lines). Thread-safe.
 */
class LocalBatchEndpoint implements BatchEndpoint {

    private final LocalChatModel model;
    private final LogprobsServer server;
    private final HttpBatchEndpoint http;
    private final ObjectMapper mapper;
    // Held so the level sticks: the embedded server's start-up lines would clutter the progress bar.
    private static final java.util.logging.Logger JETTY = java.util.logging.Logger.getLogger("org.eclipse.jetty");

    LocalBatchEndpoint(LocalChatModel model, int concurrency, ObjectMapper mapper) {
        this.model = model;
        this.mapper = mapper;
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
        return new BatchResult(200, mapper.valueToTree(OpenAiJson.score(model.modelName(), text, score.unscored(), score.scored())),
                score.unscored().size() + score.scored().size());
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }
}
