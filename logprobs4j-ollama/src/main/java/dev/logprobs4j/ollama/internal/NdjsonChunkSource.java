package dev.logprobs4j.ollama.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.http.internal.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Ollama's NDJSON stream as chunks: first a chunk with no text and {@code []} logprobs (Ollama's
 * stream has no such line; OpenAI's has, and every provider starts the same way), then the chunks
 * of each line, until the {@code done: true} line. Not thread-safe; one reader.
 */
public final class NdjsonChunkSource implements ChunkSource {

    private final InputStream body;
    private final LineReader lines;
    private final String model;
    private final boolean wantsLogprobs;
    private final ArrayDeque<AIMessageChunk> pending = new ArrayDeque<>();
    private boolean started;
    private boolean finished;
    private boolean closed;
    private int lineCount;

    public NdjsonChunkSource(InputStream body, String model, boolean wantsLogprobs) {
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
            return OllamaMapper.firstChunk(wantsLogprobs);
        }
        while (pending.isEmpty()) {
            if (finished) {
                close();
                return null;
            }
            byte[] line;
            try {
                line = lines.readLine();
            } catch (IOException e) {
                close();
                throw new IncompleteStreamException("the Ollama stream broke after " + lineCount + " lines ("
                        + lines.offset() + " bytes): " + e, null, 0, e);
            }
            if (line == null) {
                close();
                throw new IncompleteStreamException("the Ollama stream ended after " + lineCount
                        + " lines without its done:true line; the server stopped mid-answer", null, 0, null);
            }
            if (isBlank(line)) {
                continue;
            }
            lineCount++;
            OllamaWire.Response r;
            try {
                r = OllamaWire.parse(line);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            finished = r.done();
            try {
                pending.addAll(OllamaMapper.chunks(r, model, wantsLogprobs, new String(line, StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        return pending.poll();
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
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
