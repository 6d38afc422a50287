package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /v1/chat/completions} body, checked: immutable.
 *
 * @param model        the requested model name
 * @param messages     the conversation
 * @param options      logprobs, top_logprobs, temperature, top_p, seed, max_tokens, stop, n
 * @param stream       answer with server-sent events
 * @param includeUsage {@code stream_options.include_usage}: end the stream with a usage chunk
 * @param forcedField  {@code logprobs_forced}: mark logprobs entries of tokens a response_format forced
 *                     with {@code "forced": true} (an extension; off, the OpenAI shape is unchanged)
 */
public record ChatCompletionRequest(String model, List<Message> messages, ChatOptions options, boolean stream,
                                    boolean includeUsage, boolean forcedField) {

    /** The most answers one request may ask for; OpenAI allows 128, a CPU engine serves far fewer. */
    public static final int MAX_N = 16;

    public ChatCompletionRequest {
        messages = List.copyOf(messages);
    }

    /**
     * Reads and checks a parsed body. Fields this server does not know are ignored, as OpenAI
     * ignores them; known fields of the wrong type or out of range fail naming the field.
     *
     * @throws ApiException 400 naming the field and rule
     */
    public static ChatCompletionRequest parse(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object.");
        }
        Unsupported.check(body, true);
        String model = Params.string(body, "model");
        if (model == null) {
            throw ApiException.invalid("model", "missing_required_parameter",
                    "Missing required parameter: 'model'. Use the name GET /v1/models lists.");
        }
        List<Message> messages = messages(body);
        ChatOptions.Builder options = ChatOptions.builder();
        Boolean logprobs = Params.bool(body, "logprobs");
        Integer topLogprobs = Params.integer(body, "top_logprobs", 0, ChatOptions.MAX_TOP_LOGPROBS);
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw ApiException.invalid("top_logprobs", "invalid_value",
                    "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.");
        }
        if (logprobs != null) {
            options.logprobs(logprobs);
        }
        if (topLogprobs != null) {
            options.topLogprobs(topLogprobs);
        }
        Integer maxTokens = Params.integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        Integer legacyMax = Params.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        if (maxTokens == null) {
            maxTokens = legacyMax;
        }
        if (maxTokens != null) {
            options.maxTokens(maxTokens);
        }
        Sampling.read(body, options);
        Integer n = Params.integer(body, "n", 1, MAX_N);
        if (n != null) {
            options.n(n);
        }
        options.responseFormat(ResponseFormats.read(body));
        String mode = Params.string(body, "logprobs_mode");
        if (mode != null) {
            if (!mode.equals("raw") && !mode.equals("processed")) {
                throw ApiException.invalid("logprobs_mode", "invalid_value",
                        "Invalid value: '" + mode + "'. Supported values are: 'raw' (default) and 'processed'.");
            }
            options.extra("logprobs_mode", mode);
        }
        boolean forcedField = Boolean.TRUE.equals(Params.bool(body, "logprobs_forced"));
        Boolean stream = Params.bool(body, "stream");
        boolean includeUsage = Sampling.includeUsage(body, Boolean.TRUE.equals(stream));
        return new ChatCompletionRequest(model, messages, options.build(), Boolean.TRUE.equals(stream), includeUsage, forcedField);
    }

    static List<Message> messages(JsonNode body) {
        JsonNode list = Params.given(body, "messages");
        if (list == null) {
            throw ApiException.invalid("messages", "missing_required_parameter", "Missing required parameter: 'messages'.");
        }
        if (!list.isArray()) {
            throw Params.wrongType("messages", "an array", list);
        }
        if (list.isEmpty()) {
            throw ApiException.invalid("messages", "empty_array",
                    "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
        }
        List<Message> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw Params.wrongType(where, "an object", m);
            }
            String roleName = Params.string(m, "role", where + ".role");
            if (roleName == null) {
                throw ApiException.invalid(where + ".role", "missing_required_parameter",
                        "Missing required parameter: '" + where + ".role'.");
            }
            Role role = switch (roleName) {
                case "system", "developer" -> Role.SYSTEM;
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                case "tool" -> Role.TOOL;
                default -> throw ApiException.invalid(where + ".role", "invalid_value", "Invalid value: '" + roleName
                        + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
            };
            out.add(new Message(role, content(m, where, role)));
        }
        return out;
    }

    private static String content(JsonNode m, String where, Role role) {
        JsonNode c = Params.given(m, "content");
        String field = where + ".content";
        if (c == null) {
            if (role == Role.ASSISTANT) {
                return ""; // an assistant turn that only called tools
            }
            throw ApiException.invalid(field, "missing_required_parameter", "Missing required parameter: '" + field + "'.");
        }
        if (c.isTextual()) {
            return c.textValue();
        }
        if (!c.isArray()) {
            throw Params.wrongType(field, "a string or an array of content parts", c);
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < c.size(); j++) {
            JsonNode part = c.get(j);
            String partWhere = field + "[" + j + "]";
            if (!part.isObject()) {
                throw Params.wrongType(partWhere, "an object", part);
            }
            String type = Params.string(part, "type", partWhere + ".type");
            if (!"text".equals(type)) {
                throw ApiException.invalid(partWhere + ".type", "unsupported_content", "Invalid content part type '" + type
                        + "' in '" + partWhere + "': this model reads text only; send {\"type\": \"text\", \"text\": ...} parts.");
            }
            String t = Params.string(part, "text", partWhere + ".text");
            if (t == null) {
                throw ApiException.invalid(partWhere + ".text", "missing_required_parameter",
                        "Missing required parameter: '" + partWhere + ".text'.");
            }
            text.append(t);
        }
        return text.toString();
    }
}
