package dev.logprobs4j;

import dev.logprobs4j.internal.DefaultChatStream;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed answer, one {@link AIMessageChunk} at a time: iterate it once, in one thread.
 *
 * <p>Reading it to the end releases the connection. A stream abandoned half way holds its
 * connection (or engine session) until {@link #close()}: use try-with-resources when you may stop
 * early. Closing cancels the request. When the stream fails, the exception
 * ({@link IncompleteStreamException}, {@link MalformedResponseException}) carries the chunks that
 * had arrived, added up.
 */
public interface ChatStream extends Iterable<AIMessageChunk>, AutoCloseable {

    /** Wraps a provider's chunk source. */
    static ChatStream of(ChunkSource source) {
        return new DefaultChatStream(source);
    }

    /** Cancels the request and releases its connection; safe to call more than once. */
    @Override
    void close();

    /** The chunks as a sequential {@link Stream}; closing the Stream closes this. */
    default Stream<AIMessageChunk> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }

    /** Reads the rest of the stream and adds it up (linear in its length), then closes it. */
    default AIMessageChunk aggregate() {
        try (ChatStream self = this) {
            AIMessageChunk full = AIMessageChunk.empty();
            for (AIMessageChunk chunk : self) {
                full = full.add(chunk);
            }
            return full;
        }
    }
}
