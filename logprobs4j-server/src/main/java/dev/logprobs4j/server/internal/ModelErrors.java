package dev.logprobs4j.server.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model's complaints about a request, in the client's terms. The local engine words them for
 * Java callers ("load the model with a larger contextLength(...)"); a client of the server can only
 * change its request, so a prompt too long for the context becomes OpenAI's
 * {@code context_length_exceeded} on the prompt's field. Stateless.
 */
final class ModelErrors {

    private static final Pattern TOO_LONG = Pattern.compile("the (?:prompt|text) has (\\d+) tokens but the context holds (\\d+)");

    private ModelErrors() {
    }

    /** A 400 for {@code e}; {@code promptField} is the request field holding the prompt ({@code messages} or {@code prompt}). */
    static ApiException refused(RuntimeException e, String promptField) {
        String message = String.valueOf(e.getMessage());
        Matcher m = TOO_LONG.matcher(message);
        if (m.find()) {
            long tokens = Long.parseLong(m.group(1));
            long context = Long.parseLong(m.group(2));
            return ApiException.invalid(promptField, "context_length_exceeded", "This model's maximum context length is "
                    + context + " tokens, but the " + (promptField.equals("messages") ? "messages have " : "prompt has ") + tokens
                    + " tokens" + (tokens >= context && message.startsWith("the prompt") ? ", which leaves no room for the answer" : "")
                    + ". Send a shorter " + (promptField.equals("messages") ? "conversation" : "prompt") + ".");
        }
        return ApiException.invalid(message.startsWith("logit_bias") ? "logit_bias" : null, "invalid_value", message);
    }
}
