package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logprobs4j.http.internal.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Batch lines POSTed to an OpenAI-compatible server, retried the way the provider module retries
 * (408, 409, 429, 5xx and connection failures, honouring {@code retry-after}). The caller bounds
 * how many run at once. Thread-safe.
 */
final class HttpBatchEndpoint implements BatchEndpoint {

    /** Requests in flight when no --concurrency is given. */
    static final int DEFAULT_CONCURRENCY = 8;

    private final ObjectMapper mapper;
    private final HttpClient client;
    private final String baseUrl;
    private final String apiKey;
    private final String model; // replaces the body's model when not null
    private final int maxRetries;
    private final RetryPolicy retry = RetryPolicy.standard();

    HttpBatchEndpoint(ObjectMapper mapper, String baseUrl, String apiKey, String model, int maxRetries) {
        this.mapper = mapper;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
        this.model = model;
        this.maxRetries = maxRetries;
    }

    @Override
    public String modelName() {
        return model;
    }

    /** Every line weighs one row. */
    @Override
    public int weight(BatchLine line) {
        return 1;
    }

    /** {@value #DEFAULT_CONCURRENCY} requests at a time: what a server's rate limits usually allow. */
    @Override
    public int defaultBudget() {
        return DEFAULT_CONCURRENCY;
    }

    @Override
    public BatchResult run(BatchLine line) throws InterruptedException {
        if (line.url().equals(BatchLine.SCORE)) {
            return error(400, "unsupported_url", "scoring lines ({custom_id, text}) need the local engine: "
                    + "run with --provider local, or send a /v1/completions line with echo");
        }
        ObjectNode body = line.body().deepCopy();
        if (model != null) {
            body.put("model", model);
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // /v1/completions under a base URL ending in /v1: the line's url starts with /v1 too.
        String path = line.url().startsWith("/v1/") && baseUrl.endsWith("/v1") ? line.url().substring(3) : line.url();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofMinutes(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (apiKey != null) {
            request.header("authorization", "Bearer " + apiKey);
        }
        for (int attempt = 0; ; attempt++) {
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (attempt >= maxRetries) {
                    return error(503, "connection_failed", "could not reach " + baseUrl + " after " + (attempt + 1)
                            + " attempts: " + e.getMessage());
                }
                Thread.sleep(retry.delay(attempt, null).toMillis());
                continue;
            }
            if (response.statusCode() / 100 != 2 && attempt < maxRetries
                    && RetryPolicy.shouldRetry(response.statusCode(), response.headers())) {
                Thread.sleep(retry.delay(attempt, response.headers()).toMillis());
                continue;
            }
            JsonNode parsed;
            try {
                parsed = mapper.readTree(response.body());
            } catch (IOException e) {
                return error(502, "invalid_response", "the server answered " + response.statusCode() + " with a body that is not JSON");
            }
            return new BatchResult(response.statusCode(), parsed, tokens(parsed));
        }
    }

    static long tokens(JsonNode body) {
        JsonNode usage = body.path("usage");
        if (usage.has("total_tokens")) {
            return usage.get("total_tokens").asLong();
        }
        return usage.path("prompt_tokens").asLong(0) + usage.path("completion_tokens").asLong(0);
    }

    BatchResult error(int status, String code, String message) {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode e = body.putObject("error");
        e.put("message", message);
        e.put("type", "invalid_request_error");
        e.putNull("param");
        e.put("code", code);
        return new BatchResult(status, body, 0);
    }

    @Override
    public void close() {
        client.close();
    }
}
