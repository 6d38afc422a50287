package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Objects;

/**
 * The answer to one batch line: an HTTP status and the response body (OpenAI's object on 200,
 * {@code {"error": {...}}} otherwise). Immutable.
 *
 * @param status the HTTP status
 * @param body   writes the response body
 * @param tokens the tokens it took (prompt plus completion), for the progress bar
 */
public record BatchResult(int status, Body body, long tokens) {

    /**
     * A response body that writes itself as one JSON value: a tree from a server, or a score
     * streamed straight from the engine's result (a tree per scored row cost more than the row).
     */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    public BatchResult {
        Objects.requireNonNull(body, "body");
    }

    /** An answer whose body is a JSON tree. */
    public BatchResult(int status, JsonNode body, long tokens) {
        this(status, json -> json.writeTree(body), tokens);
    }
}
