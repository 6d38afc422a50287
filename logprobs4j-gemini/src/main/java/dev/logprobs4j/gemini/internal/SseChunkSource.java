package dev.logprobs4j.gemini.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.IncompleteStreamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Gemini's {@code streamGenerateContent?alt=sse} stream as chunks: first a chunk with no text and
 * {@code []} logprobs (Gemini's stream has no such event; every provider starts the same way), then
 * the chunks of each {@code data:} event. Gemini sends no end marker, so the stream is complete when
 * it ends after an event with a finish reason; ending before one is an
 * {@link IncompleteStreamException}. Not thread-safe; one reader.
 */
public final class SseChunkSource implements ChunkSource {

    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);

    private final InputStream body;
    private final LineReader lines;
    private final String model;
    private final boolean wantsLogprobs;
    private final ArrayDeque<AIMessageChunk> pending = new ArrayDeque<>();
    private boolean started;
    private boolean finishSeen;
    private boolean closed;
    private int events;

    public SseChunkSource(InputStream body, String model, boolean wantsLogprobs) {
        this.body = body;
        this.lines = new LineReader(body);
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
                    throw new IncompleteStreamException("the Gemini stream ended after " + events
                            + " events without a finishReason; the server stopped mid-answer", null, 0, null);
                }
                return null;
            }
            events++;
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

    /** The data of the next event (its {@code data:} lines joined by newlines), or null at the end. */
    private byte[] nextEvent() {
        ByteArrayOutputStream data = null;
        while (true) {
            byte[] line;
            try {
                line = lines.readLine();
            } catch (IOException e) {
                close();
                throw new IncompleteStreamException("the Gemini stream broke after " + events + " events ("
                        + lines.offset() + " bytes): " + e, null, 0, e);
            }
            if (line == null || line.length == 0) {
                if (data != null) {
                    return data.toByteArray();
                }
                if (line == null) {
                    return null;
                }
                continue;
            }
            if (startsWith(line, DATA)) {
                int from = DATA.length + (line.length > DATA.length && line[DATA.length] == ' ' ? 1 : 0);
                if (data == null) {
                    data = new ByteArrayOutputStream(line.length);
                } else {
                    data.write('\n');
                }
                data.write(line, from, line.length - from);
            }
            // other fields (event:, id:, retry:) and comments are not used by Gemini
        }
    }

    private static boolean startsWith(byte[] line, byte[] prefix) {
        if (line.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
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
