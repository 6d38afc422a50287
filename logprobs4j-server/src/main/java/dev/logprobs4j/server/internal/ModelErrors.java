package dev.logprobs4j.server.internal;

import dev.logprobs4j.local.ContextLengthException;

/**
 * The model's complaints about a request, in the client's terms. A prompt too long for the context
 * becomes OpenAI's {@code context_length_exceeded} on the prompt's field, with both numbers and what
 * the client or the operator can change (the engine's own wording speaks to Java callers). Stateless.
 */
final class ModelErrors {

    private ModelErrors() {
    }

    /** A 400 for {@code e}; {@code promptField} is the request field holding the prompt ({@code messages} or {@code prompt}). */
    static ApiException refused(RuntimeException e, String promptField) {
        if (e instanceof ContextLengthException c) {
            return ApiException.invalid(promptField, "context_length_exceeded", c.getMessage()
                    + "; shorten the prompt (messages or prompt), or start the server with a larger --context");
        }
        String message = String.valueOf(e.getMessage());
        return ApiException.invalid(message.startsWith("logit_bias") ? "logit_bias" : null, "invalid_value", message);
    }
}
