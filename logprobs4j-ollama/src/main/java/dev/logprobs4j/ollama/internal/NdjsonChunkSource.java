package dev.logprobs4j.ollama.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.http.internal.LineReader;
import dev.logprobs4j.http.internal.QueuedChunkSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Deque;

/**
 * Ollama's NDJSON stream as chunks: first a chunk with no text and {@code []} logprobs (Ollama's
 * stream has no such line; OpenAI's has, and every provider starts the same way), then the chunks
 * of each line, until the {@code done: true} line. Not thread-safe; one reader.
 */
public final class NdjsonChunkSource extends QueuedChunkSource {

    private final LineReader lines;
    private final String model;
    private final boolean wantsLogprobs;
    private boolean finished;
    private int lineCount;

    public NdjsonChunkSource(InputStream body, String model, boolean wantsLogprobs) {
        super(body, OllamaMapper.firstChunk(wantsLogprobs));
        this.lines = new LineReader(body);
        this.model = model;
        this.wantsLogprobs = wantsLogprobs;
    }

    @Override
    protected boolean readMore(Deque<AIMessageChunk> out) {
        if (finished) {
            return false;
        }
        byte[] line;
        try {
            line = lines.readLine();
        } catch (IOException e) {
            throw new IncompleteStreamException("the Ollama stream broke after " + lineCount + " lines ("
                    + lines.offset() + " bytes): " + e, null, 0, e);
        }
        if (line == null) {
            throw new IncompleteStreamException("the Ollama stream ended after " + lineCount
                    + " lines without its done:true line; the server stopped mid-answer", null, 0, null);
        }
        if (isBlank(line)) {
            return true;
        }
        lineCount++;
        OllamaWire.Response r = OllamaWire.parse(line);
        finished = r.done();
        out.addAll(OllamaMapper.chunks(r, model, wantsLogprobs, new String(line, StandardCharsets.UTF_8)));
        return true;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
