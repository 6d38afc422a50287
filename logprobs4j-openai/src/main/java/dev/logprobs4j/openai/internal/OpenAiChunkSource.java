package dev.logprobs4j.openai.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TransportException;
import java.io.IOException;

/**
 * The chunks of one streamed chat completion: SSE events read from the open body, each
 * {@code chat.completion.chunk} turned into an {@link AIMessageChunk}, {@code data: [DONE]} ending
 * it. A stream that ends or breaks before {@code [DONE]} fails with
 * {@link IncompleteStreamException}; the core's {@code ChatStream} attaches what had arrived.
 * Closing it closes the body, which cancels the HTTP exchange. Not thread-safe.
 */
public final class OpenAiChunkSource implements ChunkSource {

    private final Transport.Opened opened;
    private final Transport transport;
    private final SseReader sse;
    private int events;
    private boolean finished;

    public OpenAiChunkSource(Transport.Opened opened, Transport transport) {
        this.opened = opened;
        this.transport = transport;
        this.sse = new SseReader(opened.body());
    }

    @Override
    public AIMessageChunk next() {
        if (finished) {
            return null;
        }
        if (opened.contentType().startsWith("application/json")) {
            return wholeAnswer();
        }
        while (true) {
            SseReader.Event event;
            try {
                event = sse.next();
            } catch (IOException e) {
                close();
                if (opened.body().timedOut()) {
                    throw new IncompleteStreamException("the stream stalled: no data for " + transport.readTimeout().toMillis()
                            + " ms (readTimeout) after " + events + " events; the connection was closed",
                            null, 0, new TransportException("read timeout", true, e));
                }
                throw new IncompleteStreamException("the connection broke after " + events + " events (byte "
                        + sse.offset() + "): " + e.getMessage(), null, 0, new TransportException(String.valueOf(e.getMessage()), false, e));
            }
            if (event == null) {
                close();
                throw new IncompleteStreamException("the stream ended after " + events + " events (" + sse.offset()
                        + " bytes) without 'data: [DONE]': the connection was cut or the server stopped mid-answer", null, 0, null);
            }
            events++;
            String data = event.data();
            if (data.isBlank()) {
                continue; // an empty data line keeps the connection alive
            }
            if (data.strip().equals("[DONE]")) {
                close();
                return null;
            }
            if (event.type() != null && !event.type().equals("message")) {
                if (event.type().equals("error")) {
                    close();
                    throw streamError(data);
                }
                continue; // other named events are not chat completion chunks
            }
            try {
                return CompletionReader.readChunk(data, events);
            } catch (ProviderException e) {
                close();
                throw transport.scrub(e);
            }
        }
    }

    /** A server that ignored {@code stream: true} and answered with one whole completion. */
    private AIMessageChunk wholeAnswer() {
        finished = true;
        String body = transport.readAll(opened);
        AIMessage message;
        try {
            message = CompletionReader.readCompletion(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), body, 200);
        } catch (ProviderException e) {
            throw transport.scrub(e);
        }
        return AIMessageChunk.of(message.choices(), message.info(), body);
    }

    private ProviderException streamError(String data) {
        CompletionReader.ProviderError error = CompletionReader.readError(data);
        if (error == null) {
            return transport.scrub(new ProviderException(0, null, null, null, data.strip(), data));
        }
        return transport.scrub(error.toException(0, data));
    }

    @Override
    public void close() {
        if (!finished) {
            finished = true;
        }
        try {
            opened.body().close();
        } catch (IOException ignored) {
            // the exchange is being abandoned; nothing more to report
        }
    }
}
