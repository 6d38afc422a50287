package dev.logprobs4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.ChatOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code POST /v1/completions} body (the legacy text completion API), checked: immutable.
 *
 * @param model        the requested model name
 * @param prompts      the texts to continue: one, or several (a list of strings), each answered with n choices
 * @param options      sampling and length options; {@code logprobs} set when {@code logprobs} was given
 * @param logprobs     legacy {@code logprobs}: how many alternatives per token (0..20), or -1 when not asked
 * @param echo         put the prompt (and its logprobs) before the completion
 * @param stream       answer with server-sent events
 * @param includeUsage {@code stream_options.include_usage}
 * @param scoreOnly    {@code max_tokens} 0 with {@code echo}: score the prompt, generate nothing (as vLLM allows)
 */
public record CompletionRequest(String model, List<String> prompts, ChatOptions options, int logprobs, boolean echo,
                                boolean stream, boolean includeUsage, boolean scoreOnly) {

    public CompletionRequest {
        prompts = List.copyOf(prompts);
    }

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
        Unsupported.check(body, false);
        String model = Params.string(body, "model");
        if (model == null) {
            throw ApiException.invalid("model", "missing_required_parameter",
                    "Missing required parameter: 'model'. Use the name GET /v1/models lists.");
        }
        List<String> prompts = prompts(body);
        ChatOptions.Builder options = ChatOptions.builder();
        // Legacy OpenAI caps logprobs at 5; vLLM and this server allow up to 20 alternatives.
        Integer logprobs = Params.integer(body, "logprobs", 0, ChatOptions.MAX_TOP_LOGPROBS);
        if (logprobs != null) {
            options.logprobs(true).topLogprobs(logprobs);
        }
        Integer maxTokens = Params.integer(body, "max_tokens", 0, Integer.MAX_VALUE);
        Boolean echo = Params.bool(body, "echo");
        boolean scoreOnly = maxTokens != null && maxTokens == 0;
        if (scoreOnly && !Boolean.TRUE.equals(echo)) {
            throw ApiException.invalid("max_tokens", "invalid_value",
                    "Invalid 'max_tokens': 0 generates nothing; set 'echo' to true to score the prompt only, or ask for at least 1 token.");
        }
        options.maxTokens(maxTokens == null ? DEFAULT_MAX_TOKENS : Math.max(1, maxTokens));
        Sampling.read(body, options);
        Integer n = Params.integer(body, "n", 1, ChatCompletionRequest.MAX_N);
        if (n != null) {
            options.n(n);
        }
        if (prompts.size() * (n == null ? 1 : n) > ChatCompletionRequest.MAX_N) {
            throw ApiException.invalid("prompt", "invalid_value", "Invalid 'prompt': " + prompts.size() + " prompts with n = "
                    + (n == null ? 1 : n) + " ask for more than " + ChatCompletionRequest.MAX_N + " answers; send fewer per request.");
        }
        Boolean stream = Params.bool(body, "stream");
        boolean includeUsage = Sampling.includeUsage(body, Boolean.TRUE.equals(stream));
        return new CompletionRequest(model, prompts, options.build(), logprobs == null ? -1 : logprobs,
                Boolean.TRUE.equals(echo), Boolean.TRUE.equals(stream), includeUsage, scoreOnly);
    }

    private static List<String> prompts(JsonNode body) {
        JsonNode p = Params.given(body, "prompt");
        if (p == null) {
            throw ApiException.invalid("prompt", "missing_required_parameter", "Missing required parameter: 'prompt'.");
        }
        if (p.isTextual()) {
            return List.of(p.textValue());
        }
        if (p.isArray() && !p.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < p.size(); i++) {
                JsonNode e = p.get(i);
                if (!e.isTextual()) {
                    throw Params.wrongType("prompt[" + i + "]", "a string (token-id prompts are not supported: send the text)", e);
                }
                out.add(e.textValue());
            }
            return out;
        }
        throw Params.wrongType("prompt", "a string or a non-empty array of strings", p);
    }
}
