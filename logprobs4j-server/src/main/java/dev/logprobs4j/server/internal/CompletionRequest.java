package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.ChatOptions;

/**
 * A {@code POST /v1/completions} body (the legacy text completion API), checked: immutable.
 *
 * @param model        the requested model name
 * @param prompt       the text to continue
 * @param options      sampling and length options; {@code logprobs} set when {@code logprobs} was given
 * @param logprobs     legacy {@code logprobs}: how many alternatives per token (0..20), or -1 when not asked
 * @param echo         put the prompt (and its logprobs) before the completion
 * @param stream       answer with server-sent events
 * @param includeUsage {@code stream_options.include_usage}
 */
public record CompletionRequest(String model, String prompt, ChatOptions options, int logprobs, boolean echo,
                                boolean stream, boolean includeUsage) {

    /** Legacy OpenAI's default {@code max_tokens} for text completions. */
    public static final int DEFAULT_MAX_TOKENS = 16;

    /**
     * Reads and checks a parsed body; unknown fields are ignored.
     *
     * @throws ApiException 400 naming the field and rule
     */
    public static CompletionRequest parse(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object.");
        }
        String model = Params.string(body, "model");
        if (model == null) {
            throw ApiException.invalid("model", "missing_required_parameter",
                    "Missing required parameter: 'model'. Use the name GET /v1/models lists.");
        }
        String prompt = prompt(body);
        ChatOptions.Builder options = ChatOptions.builder();
        // Legacy OpenAI caps logprobs at 5; vLLM and this server allow up to 20 alternatives.
        Integer logprobs = Params.integer(body, "logprobs", 0, ChatOptions.MAX_TOP_LOGPROBS);
        if (logprobs != null) {
            options.logprobs(true).topLogprobs(logprobs);
        }
        Integer maxTokens = Params.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        options.maxTokens(maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens);
        Sampling.read(body, options);
        Integer n = Params.integer(body, "n", 1, ChatCompletionRequest.MAX_N);
        if (n != null) {
            options.n(n);
        }
        Boolean echo = Params.bool(body, "echo");
        Boolean stream = Params.bool(body, "stream");
        boolean includeUsage = Sampling.includeUsage(body, Boolean.TRUE.equals(stream));
        return new CompletionRequest(model, prompt, options.build(), logprobs == null ? -1 : logprobs,
                Boolean.TRUE.equals(echo), Boolean.TRUE.equals(stream), includeUsage);
    }

    private static String prompt(JsonNode body) {
        JsonNode p = Params.given(body, "prompt");
        if (p == null) {
            throw ApiException.invalid("prompt", "missing_required_parameter", "Missing required parameter: 'prompt'.");
        }
        if (p.isTextual()) {
            return p.textValue();
        }
        // A one-element array of strings is what some clients send for a single prompt.
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            return p.get(0).textValue();
        }
        throw Params.wrongType("prompt", "a string (or an array holding one string; token arrays and batches are not supported)", p);
    }
}
