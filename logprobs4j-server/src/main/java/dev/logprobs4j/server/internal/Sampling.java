package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.ChatOptions;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sampling fields both completion endpoints share. Stateless. */
final class Sampling {

    private Sampling() {
    }

    /** temperature [0, 2], top_p (0, 1], seed, stop, logit_bias. */
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
        Map<String, Double> bias = logitBias(body);
        if (!bias.isEmpty()) {
            options.extra("logit_bias", bias);
        }
    }

    /** OpenAI's {@code logit_bias}: token id (as a string key) to a bias within [-100, 100]; the model checks the ids. */
    static Map<String, Double> logitBias(JsonNode body) {
        JsonNode v = Params.given(body, "logit_bias");
        Map<String, Double> out = new LinkedHashMap<>(); // string keys, as on the wire and as ChatOptions extras hold them
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            throw Params.wrongType("logit_bias", "an object mapping token ids to biases", v);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey().strip();
            if (!key.matches("[0-9]{1,9}")) {
                throw ApiException.invalid("logit_bias", "invalid_value", "Invalid 'logit_bias': key '" + e.getKey()
                        + "' is not a token id; keys are token ids such as \"1734\".");
            }
            JsonNode b = e.getValue();
            if (!b.isNumber()) {
                throw Params.wrongType("logit_bias." + key, "a number", b);
            }
            if (!(Math.abs(b.doubleValue()) <= 100)) {
                throw Params.outOfRange("logit_bias." + key, b.asText(), "[-100, 100]");
            }
            out.put(Integer.toString(Integer.parseInt(key)), b.doubleValue());
        }
        return out;
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
