package dev.logprobs4j.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** {@link ChatStream} over a {@link ChunkSource}: single use, keeps a running sum for error reports. */
public final class DefaultChatStream implements ChatStream {

    private final ChunkSource source;
    private boolean iterated;
    private boolean closed;
    private AIMessageChunk received = AIMessageChunk.empty();
    private int count;

    public DefaultChatStream(ChunkSource source) {
        this.source = source;
    }

    @Override
    public Iterator<AIMessageChunk> iterator() {
        if (iterated) {
            throw new IllegalStateException("a ChatStream can be iterated only once; call stream(...) again for a new answer");
        }
        iterated = true;
        return new Iterator<>() {
            private AIMessageChunk next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    next = pull();
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public AIMessageChunk next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream has ended");
                }
                AIMessageChunk chunk = next;
                next = null;
                return chunk;
            }
        };
    }

    private AIMessageChunk pull() {
        if (closed) {
            return null;
        }
        AIMessageChunk chunk;
        try {
            chunk = source.next();
        } catch (MalformedResponseException e) {
            close();
            throw e.withPartial(received, count);
        } catch (IncompleteStreamException e) {
            close();
            throw e.withPartial(received, count);
        } catch (ProviderException e) {
            close();
            throw count == 0 ? e : e.withPartial(received, count);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        if (chunk == null) {
            close();
            return null;
        }
        received = received.add(chunk);
        count++;
        return chunk;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            source.close();
        }
    }
}
