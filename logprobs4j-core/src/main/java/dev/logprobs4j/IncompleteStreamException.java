package dev.logprobs4j;

/**
 * A stream that ended before its end marker (a cut connection, a server that stopped mid-answer).
 * Carries everything received until then, added up, so nothing is lost.
 */
public class IncompleteStreamException extends LogprobsException {

    private static final long serialVersionUID = 1L;
    private final transient AIMessageChunk partial;
    private final int chunksReceived;

    public IncompleteStreamException(String message, AIMessageChunk partial, int chunksReceived, Throwable cause) {
        super(message, cause);
        this.partial = partial == null ? AIMessageChunk.empty() : partial;
        this.chunksReceived = chunksReceived;
    }

    /** The same break, carrying what the stream had received before it. */
    public IncompleteStreamException withPartial(AIMessageChunk partial, int chunksReceived) {
        IncompleteStreamException copy = new IncompleteStreamException(getMessage(), partial, chunksReceived, getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** The chunks received before the stream broke, added up. */
    public AIMessageChunk partial() {
        return partial;
    }

    /** How many chunks arrived before the stream broke. */
    public int chunksReceived() {
        return chunksReceived;
    }
}
