package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer to one batch line: an HTTP status and the response body (OpenAI's object on 200,
 * {@code {"error": {...}}} otherwise). Immutable.
 *
 * @param status the HTTP status
 * @param body   the response body
 * @param tokens the tokens it took (prompt plus completion), for the progress bar
 */
public record BatchResult(int status, JsonNode body, long tokens) {
}
