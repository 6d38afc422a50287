package dev.logprobs4j;

/**
 * Data from the provider that could not be read: malformed JSON or SSE, or a missing field. Names
 * where (a JSON path such as {@code $.choices[0].logprobs.content[3].logprob}, or a byte offset)
 * and, inside a stream, carries what had arrived before it.
 */
public class MalformedResponseException extends LogprobsException {

    private static final long serialVersionUID = 1L;
    private final String detail;
    private final String location;
    private final transient AIMessageChunk partial;
    private final int chunksReceived;

    public MalformedResponseException(String message, String location, AIMessageChunk partial, int chunksReceived,
                                      Throwable cause) {
        super(location == null ? message : message + " at " + location, cause);
        this.detail = message;
        this.location = location;
        this.partial = partial == null ? AIMessageChunk.empty() : partial;
        this.chunksReceived = chunksReceived;
    }

    public MalformedResponseException(String message, String location, Throwable cause) {
        this(message, location, null, 0, cause);
    }

    /** The same problem, carrying what a stream had received before it. */
    public MalformedResponseException withPartial(AIMessageChunk partial, int chunksReceived) {
        MalformedResponseException copy = new MalformedResponseException(detail, location, partial, chunksReceived, getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** Where the problem is: a JSON path or byte offset, or {@code null}. */
    public String location() {
        return location;
    }

    /** The chunks received before the problem, added up ({@link AIMessageChunk#empty()} outside streams). */
    public AIMessageChunk partial() {
        return partial;
    }

    /** How many chunks arrived before the problem. */
    public int chunksReceived() {
        return chunksReceived;
    }
}
