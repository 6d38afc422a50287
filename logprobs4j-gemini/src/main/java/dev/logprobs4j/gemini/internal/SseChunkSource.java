package dev.logprobs4j.gemini.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.http.internal.QueuedChunkSource;
import dev.logprobs4j.http.internal.SseReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Deque;

/**
 * Gemini's {@code streamGenerateContent?alt=sse} stream as chunks: first a chunk with no text and
 * {@code []} logprobs (Gemini's stream has no such event; every provider starts the same way), then
 * the chunks of each {@code data:} event. Gemini sends no end marker, so the stream is complete when
 * it ends after an event with a finish reason; ending before one is an
 * {@link IncompleteStreamException}. Events are read by the shared {@link SseReader} (WHATWG rules,
 * strict UTF-8, refusing lines that are no SSE field). Not thread-safe; one reader.
 */
public final class SseChunkSource extends QueuedChunkSource {

    private final SseReader events;
    private final String model;
    private final boolean wantsLogprobs;
    private boolean finishSeen;
    private int eventCount;

    public SseChunkSource(InputStream body, String model, boolean wantsLogprobs) {
        super(body, GeminiMapper.firstChunk(wantsLogprobs));
        this.events = new SseReader(body);
        this.model = model;
        this.wantsLogprobs = wantsLogprobs;
    }

    @Override
    protected boolean readMore(Deque<AIMessageChunk> out) {
        SseReader.Event event;
        try {
            event = events.next();
        } catch (IOException e) {
            throw new IncompleteStreamException("the Gemini stream broke after " + eventCount + " events ("
                    + events.offset() + " bytes): " + e, null, 0, e);
        }
        if (event == null) {
            if (!finishSeen) {
                throw new IncompleteStreamException("the Gemini stream ended after " + eventCount
                        + " events without a finishReason; the server stopped mid-answer", null, 0, null);
            }
            return false;
        }
        if (event.data() == null) {
            return true; // Gemini sends only data: fields; an event without one carries nothing for us
        }
        eventCount++;
        byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
        GeminiWire.Response r = GeminiWire.parse(data);
        finishSeen |= r.candidates().stream().anyMatch(c -> c.finishReason() != null);
        out.addAll(GeminiMapper.chunks(r, model, wantsLogprobs, event.data()));
        return true;
    }
}
