package dev.logprobs4j.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of an OpenAI Batch input file, checked: immutable. Either a request line
 * ({@code {custom_id, method: "POST", url, body}} for {@code /v1/chat/completions} or
 * {@code /v1/completions}) or a scoring line ({@code {custom_id, text, top_logprobs?}}: the prompt
 * logprobs of {@code text}).
 *
 * @param number      the 1-based line number in the input file
 * @param customId    the line's {@code custom_id}
 * @param url         {@code /v1/chat/completions}, {@code /v1/completions} or {@link #SCORE}
 * @param body        the request body (for a scoring line: {@code text} and {@code top_logprobs})
 */
public record BatchLine(int number, String customId, String url, ObjectNode body) {

    /** The pseudo-URL of a scoring line. */
    public static final String SCORE = "score";

    /** Top alternatives a scoring line gets when it names none. */
    public static final int DEFAULT_SCORE_TOP_LOGPROBS = 0;

    /** A line that could not be read: its number, its {@code custom_id} when one could be read, and why. */
    public record Invalid(int number, String customId, String message) {
    }

    /**
     * Reads line {@code number}.
     *
     * @return a {@link BatchLine} or an {@link Invalid} naming the field that was wrong
     */
    public static Object parse(ObjectMapper mapper, int number, String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return new Invalid(number, null, "line " + number + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return new Invalid(number, null, "line " + number + " must be a JSON object with custom_id, method, url and body");
        }
        JsonNode id = root.get("custom_id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            return new Invalid(number, null, "line " + number + ": custom_id must be a non-empty string");
        }
        String customId = id.asText();
        JsonNode text1 = root.get("text");
        if (text1 != null) {
            if (!text1.isTextual() || text1.asText().isEmpty()) {
                return new Invalid(number, customId, "line " + number + ": text must be a non-empty string");
            }
            ObjectNode body = mapper.createObjectNode();
            body.put("text", text1.asText());
            JsonNode top = root.get("top_logprobs");
            int k = DEFAULT_SCORE_TOP_LOGPROBS;
            if (top != null) {
                if (!top.isInt() || top.asInt() < 0 || top.asInt() > 20) {
                    return new Invalid(number, customId, "line " + number + ": top_logprobs must be an integer within [0, 20]");
                }
                k = top.asInt();
            }
            body.put("top_logprobs", k);
            return new BatchLine(number, customId, SCORE, body);
        }
        JsonNode method = root.get("method");
        if (method != null && !"POST".equals(method.asText())) {
            return new Invalid(number, customId, "line " + number + ": method must be \"POST\", was " + method);
        }
        JsonNode url = root.get("url");
        if (url == null || !url.isTextual()) {
            return new Invalid(number, customId, "line " + number
                    + ": url must be \"/v1/chat/completions\" or \"/v1/completions\" (or give text for a scoring line)");
        }
        String u = url.asText();
        if (!u.equals("/v1/chat/completions") && !u.equals("/v1/completions")) {
            return new Invalid(number, customId, "line " + number + ": url " + u
                    + " is not supported: use /v1/chat/completions or /v1/completions");
        }
        JsonNode body = root.get("body");
        if (body == null || !body.isObject()) {
            return new Invalid(number, customId, "line " + number + ": body must be a JSON object (the request body for " + u + ")");
        }
        if (body.path("stream").asBoolean(false)) {
            return new Invalid(number, customId, "line " + number + ": body.stream must be false in a batch file");
        }
        return new BatchLine(number, customId, u, (ObjectNode) body);
    }
}
