package dev.logprobs4j.gemini.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.http.internal.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Gemini's {@code streamGenerateContent?alt=sse} stream as chunks: first a chunk with no text and
 * {@code []} logprobs (Gemini's stream has no such event; every provider starts the same way), then
 * the chunks of each {@code data:} event. Gemini sends no end marker, so the stream is complete when
 * it ends after an event with a finish reason; ending before one is an
 * {@link IncompleteStreamException}. Events are read by the shared {@link SseReader} (WHATWG rules,
 * strict UTF-8, refusing lines that are no SSE field). Not thread-safe; one reader.
 */
public final class SseChunkSource implements ChunkSource {

    private final InputStream body;
    private final SseReader events;
    private final String model;
    private final boolean wantsLogprobs;
    private final ArrayDeque<AIMessageChunk> pending = new ArrayDeque<>();
    private boolean started;
    private boolean finishSeen;
    private boolean closed;
    private int eventCount;

    public SseChunkSource(InputStream body, String model, boolean wantsLogprobs) {
        this.body = body;
        this.events = new SseReader(body);
        this.model = model;
        this.wantsLogprobs = wantsLogprobs;
    }

    @Override
    public AIMessageChunk next() {
        if (closed) {
            return null;
        }
        if (!started) {
            started = true;
            return GeminiMapper.firstChunk(wantsLogprobs);
        }
        while (pending.isEmpty()) {
            byte[] data = nextEvent();
            if (data == null) {
                close();
                if (!finishSeen) {
                    throw new IncompleteStreamException("the Gemini stream ended after " + eventCount
                            + " events without a finishReason; the server stopped mid-answer", null, 0, null);
                }
                return null;
            }
            eventCount++;
            try {
                GeminiWire.Response r = GeminiWire.parse(data);
                finishSeen |= r.candidates().stream().anyMatch(c -> c.finishReason() != null);
                pending.addAll(GeminiMapper.chunks(r, model, wantsLogprobs, new String(data, StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        return pending.poll();
    }

    /** The data of the next event that has any, or null at the end. */
    private byte[] nextEvent() {
        while (true) {
            SseReader.Event event;
            try {
                event = events.next();
            } catch (IOException e) {
                close();
                throw new IncompleteStreamException("the Gemini stream broke after " + eventCount + " events ("
                        + events.offset() + " bytes): " + e, null, 0, e);
            }
            if (event == null) {
                return null;
            }
            if (event.data() != null) {
                return event.data().getBytes(StandardCharsets.UTF_8);
            }
            // Gemini sends only data: fields; an event without one carries nothing for us
        }
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
