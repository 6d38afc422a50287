package dev.logprobs4j.http.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChunkSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A stream's chunks over an HTTP body: first a fixed chunk when there is one (the empty-logprobs one
 * that providers without a role chunk start with), then the chunks each {@link #readMore} call adds, one line or event at a time. Any
 * failure, and the end, close the body, which releases the HTTP exchange. Not thread-safe; one reader.
 */
public abstract class QueuedChunkSource implements ChunkSource {

    private final InputStream body;
    private final AIMessageChunk first;
    private final ArrayDeque<AIMessageChunk> pending = new ArrayDeque<>();
    private boolean started;
    private boolean closed;

    /** A source over {@code body} that hands out {@code first} (or nothing, when null) before what it reads. */
    protected QueuedChunkSource(InputStream body, AIMessageChunk first) {
        this.body = body;
        this.first = first;
    }

    /**
     * Reads the next line or event and adds its chunks (maybe none) to {@code out}.
     *
     * @return false at the end of a complete stream; a stream that ends too early throws instead
     */
    protected abstract boolean readMore(Deque<AIMessageChunk> out);

    @Override
    public final AIMessageChunk next() {
        if (closed) {
            return null;
        }
        if (!started) {
            started = true;
            if (first != null) {
                return first;
            }
        }
        try {
            while (pending.isEmpty()) {
                if (!readMore(pending)) {
                    close();
                    return null;
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return pending.poll();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                body.close(); // releases (or cancels) the HTTP exchange
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
