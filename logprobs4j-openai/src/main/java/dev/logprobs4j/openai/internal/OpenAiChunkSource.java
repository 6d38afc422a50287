package dev.logprobs4j.openai.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TransportException;
import dev.logprobs4j.http.internal.QueuedChunkSource;
import dev.logprobs4j.http.internal.SseReader;
import dev.logprobs4j.http.internal.Transport;
import java.io.IOException;
import java.util.Deque;

/**
 * The chunks of one streamed answer of an OpenAI API: SSE events read from the open body, each
 * turned into an {@link AIMessageChunk} by a {@link Decoder} (Chat Completions, legacy Completions
 * or Responses events), ending at {@code data: [DONE]} or when the decoder says its protocol's last
 * event has come. A stream that ends or breaks before that fails with
 * {@link IncompleteStreamException}; the core's {@code ChatStream} attaches what had arrived.
 * Closing it closes the body, which cancels the HTTP exchange. Not thread-safe.
 */
public final class OpenAiChunkSource extends QueuedChunkSource {

    /** Turns one API's events into chunks. */
    public interface Decoder {

        /**
         * The chunk for one event, or null when the event carries nothing for the caller.
         *
         * @param type        the SSE event type, or null for the default
         * @param data        the event's data as UTF-8: parsed, then kept as the chunk's raw event (the only copy)
         * @param eventNumber 1-based, for messages
         */
        AIMessageChunk decode(String type, byte[] data, int eventNumber);

        /** Whether the last decoded event ended the answer (for protocols without {@code [DONE]}). */
        boolean done();

        /** A whole JSON answer of a server that ignored {@code stream: true}. */
        AIMessage whole(byte[] body);
    }

    /** Chat Completions: {@code chat.completion.chunk} events ending with {@code [DONE]}. */
    public static final Decoder CHAT = new Decoder() {
        @Override
        public AIMessageChunk decode(String type, byte[] data, int eventNumber) {
            return CompletionReader.readChunk(data, eventNumber);
        }

        @Override
        public boolean done() {
            return false;
        }

        @Override
        public AIMessage whole(byte[] body) {
            return CompletionReader.readCompletion(body, 200);
        }
    };

    private final Transport.Opened opened;
    private final Transport transport;
    private final Decoder decoder;
    private final SseReader sse;
    private final ChunkScanner scanner; // Chat Completions only: the plain events, read without Jackson
    private final boolean whole;
    private int events;
    private boolean finished;

    /**
     * A stream decoded by {@code decoder}.
     *
     * @param leading a chunk handed out before the first event (e.g. the empty logprobs {@code []} that
     *                APIs without a role chunk do not send), or null
     */
    public OpenAiChunkSource(Transport.Opened opened, Transport transport, Decoder decoder, AIMessageChunk leading) {
        super(opened.body(), isWhole(opened) ? null : leading);
        this.opened = opened;
        this.transport = transport;
        this.decoder = decoder;
        this.whole = isWhole(opened);
        this.sse = SseReader.withoutErrorField(opened.body()); // OpenAI reports errors as 'event: error'
        this.scanner = decoder == CHAT ? new ChunkScanner() : null;
    }

    /** Whether the server ignored {@code stream: true} and answered with one JSON document. */
    private static boolean isWhole(Transport.Opened opened) {
        return opened.contentType().startsWith("application/json");
    }

    @Override
    protected boolean readMore(Deque<AIMessageChunk> out) {
        if (finished) {
            return false;
        }
        if (whole) {
            finished = true;
            out.add(wholeAnswer());
            return true;
        }
        if (decoder.done()) {
            return false;
        }
        while (true) {
            SseReader.Event event;
            try {
                event = sse.next();
            } catch (IOException e) {
                if (opened.body().timedOut()) {
                    throw new IncompleteStreamException("the stream stalled: no data for " + transport.readTimeout().toMillis()
                            + " ms (readTimeout) after " + events + " events; the connection was closed",
                            null, 0, new TransportException("read timeout", true, e));
                }
                throw new IncompleteStreamException("the connection broke after " + events + " events (byte "
                        + sse.offset() + "): " + e.getMessage(), null, 0, new TransportException(String.valueOf(e.getMessage()), false, e));
            }
            if (event == null) {
                throw new IncompleteStreamException("the stream ended after " + events + " events (" + sse.offset()
                        + " bytes) without 'data: [DONE]': the connection was cut or the server stopped mid-answer", null, 0, null);
            }
            events++;
            if (event.dataIs("")) {
                continue; // an empty data line keeps the connection alive
            }
            if (event.dataIs("[DONE]")) {
                return false;
            }
            if (event.type() != null && !event.type().equals("message")) {
                if (event.type().equals("error")) {
                    throw streamError(event.data());
                }
                if (decoder == CHAT) {
                    continue; // other named events are not chat completion chunks
                }
            }
            AIMessageChunk chunk = scanner == null ? null : scanner.read(event.dataBytes());
            try {
                if (chunk == null) {
                    chunk = decoder.decode(event.type(), event.dataBytes(), events);
                }
            } catch (ProviderException e) {
                throw transport.scrub(e);
            }
            if (chunk != null) {
                out.add(chunk);
                return true;
            }
            if (decoder.done()) {
                return false;
            }
        }
    }

    /** A server that ignored {@code stream: true} and answered with one whole completion. */
    private AIMessageChunk wholeAnswer() {
        byte[] body = transport.readAllBytes(opened);
        AIMessage message;
        try {
            message = decoder.whole(body);
        } catch (ProviderException e) {
            throw transport.scrub(e);
        }
        return AIMessageChunk.of(message.choices(), message.info(), message.raw());
    }

    private ProviderException streamError(String data) {
        CompletionReader.ProviderError error = CompletionReader.readError(data);
        if (error == null) {
            return transport.scrub(new ProviderException(0, null, null, null, data.strip(), data));
        }
        return transport.scrub(error.toException(0, data));
    }
}
