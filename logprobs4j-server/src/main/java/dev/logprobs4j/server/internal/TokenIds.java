package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.ChatOptions;

/**
 * The {@code logprobs_token_ids} request field, a logprobs4j extension of chat completions: when
 * {@code true}, every {@code logprobs.content} entry and every {@code top_logprobs} alternative also
 * carries {@code token_id} (the id in the model's vocabulary) and {@code rank} (1 = the most likely
 * token at that position). Off by default, which leaves OpenAI's shape unchanged. Stateless.
 */
final class TokenIds {

    static final String FIELD = "logprobs_token_ids";

    private TokenIds() {
    }

    /**
     * Whether the body asks for token ids.
     *
     * @throws ApiException 400 when the field is not a boolean, or is true without {@code logprobs: true}
     */
    static boolean requested(JsonNode body, ChatOptions options) {
        Boolean asked = Params.bool(body, FIELD);
        if (Boolean.TRUE.equals(asked) && !options.wantsLogprobs()) {
            throw ApiException.invalid(FIELD, "invalid_value",
                    "Invalid value for '" + FIELD + "': 'logprobs' must be set to true when '" + FIELD + "' is used.");
        }
        return Boolean.TRUE.equals(asked);
    }
}
