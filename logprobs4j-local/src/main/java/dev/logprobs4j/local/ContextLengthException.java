package dev.logprobs4j.local;

import dev.logprobs4j.LogprobsException;

/**
 * A prompt or scoring window that does not fit in the model's context (its KV cache). The message
 * gives both numbers; callers add the advice in their own terms (a CLI flag, a request field).
 */
public final class ContextLengthException extends LogprobsException {
    private final int tokens;
    private final int contextLength;

    public ContextLengthException(String message, int tokens, int contextLength) {
        super(message);
        this.tokens = tokens;
        this.contextLength = contextLength;
    }

    /** The tokens that did not fit (prompt tokens, or the window asked for). */
    public int tokens() {
        return tokens;
    }

    /** The context length of the loaded model, in tokens. */
    public int contextLength() {
        return contextLength;
    }
}
