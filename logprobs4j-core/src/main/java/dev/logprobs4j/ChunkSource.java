package dev.logprobs4j;

/**
 * The provider side of a stream: hands out chunks one at a time. Providers implement it; callers
 * use {@link ChatStream}. Not thread-safe; used by one reader.
 */
public interface ChunkSource extends AutoCloseable {

    /**
     * The next chunk, or {@code null} after the last one.
     *
     * @throws LogprobsException when the stream fails; {@link ChatStream} attaches what had arrived
     */
    AIMessageChunk next();

    /** Releases the connection or engine session; later {@link #next()} calls return {@code null}. */
    @Override
    void close();
}
