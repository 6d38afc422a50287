package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.ChatOptions;
import java.util.List;

/** The sampling fields both completion endpoints share. Stateless. */
final class Sampling {

    private Sampling() {
    }

    /** temperature [0, 2], top_p (0, 1], seed, stop. */
    static void read(JsonNode body, ChatOptions.Builder options) {
        Double temperature = Params.number(body, "temperature", 0, 2, true);
        if (temperature != null) {
            options.temperature(temperature);
        }
        Double topP = Params.number(body, "top_p", 0, 1, false);
        if (topP != null) {
            // The engine samples in float: a top_p below the smallest normal float keeps the most likely
            // token only, exactly as the tiny value asks, instead of rounding to 0 and failing.
            options.topP(Math.max(topP, Float.MIN_NORMAL));
        }
        Long seed = Params.longInteger(body, "seed");
        if (seed != null) {
            options.seed(seed);
        }
        List<String> stop = Params.stop(body);
        if (stop != null) {
            options.stop(stop);
        }
    }

    /** {@code stream_options.include_usage}; OpenAI refuses stream_options on a request that does not stream. */
    static boolean includeUsage(JsonNode body, boolean stream) {
        JsonNode so = Params.given(body, "stream_options");
        if (so == null) {
            return false;
        }
        if (!so.isObject()) {
            throw Params.wrongType("stream_options", "an object", so);
        }
        if (!stream) {
            throw ApiException.invalid("stream_options", "invalid_value",
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }
        return Boolean.TRUE.equals(Params.bool(so, "include_usage", "stream_options.include_usage"));
    }
}
