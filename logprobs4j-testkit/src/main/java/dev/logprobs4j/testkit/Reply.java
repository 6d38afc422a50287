package dev.logprobs4j.testkit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the {@link ReplayServer} answers to one request: an immutable status, headers and body, and
 * how the body goes out (in one piece, in chunks, or cut off part way).
 *
 * @param status    the HTTP status
 * @param headers   response headers by name, in order; never null
 * @param body      the body, sent byte for byte
 * @param chunking  {@link Chunking#FIXED_LENGTH} (a {@code Content-Length} body),
 *                  {@link Chunking#PER_LINE} (chunked transfer, one flush per {@code \n}-ended line:
 *                  the way NDJSON and SSE servers stream) or {@link Chunking#CHUNKED} (chunked
 *                  transfer in one flush)
 * @param cutAfter  when {@code >= 0}, the connection is dropped after this many body bytes, without
 *                  the end of the body (a server that died mid-answer); {@code -1} sends everything
 * @param delayMillis how long the server waits before the status line (a slow server), 0 for none
 * @param stallMillis how long the connection stays open and silent after the body, 0 for none
 * @param keepAlive after the body, keep writing SSE keep-alive comments until the client goes away
 *                  (see {@link ReplayServer#awaitClientGone(java.time.Duration)})
 */
public record Reply(int status, Map<String, String> headers, byte[] body, Chunking chunking, int cutAfter,
                    long delayMillis, long stallMillis, boolean keepAlive) {

    /** How the body is sent. */
    public enum Chunking {
        /** One piece with a {@code Content-Length} header. */
        FIXED_LENGTH,
        /** Chunked transfer encoding, one chunk per line, flushed as it goes. */
        PER_LINE,
        /** Chunked transfer encoding in one flush. */
        CHUNKED,
        /** Chunked transfer encoding, one chunk per server-sent event (cut after each blank line), flushed as it goes. */
        PER_EVENT
    }

    /** A reply sent at once, without delay or stall. */
    public Reply(int status, Map<String, String> headers, byte[] body, Chunking chunking, int cutAfter) {
        this(status, headers, body, chunking, cutAfter, 0, 0, false);
    }

    public Reply {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be within [100, 599], was " + status);
        }
        headers = Map.copyOf(new LinkedHashMap<>(headers == null ? Map.of() : headers));
        body = Objects.requireNonNull(body, "body must not be null (use new byte[0])").clone();
        chunking = Objects.requireNonNull(chunking, "chunking must not be null");
        if (cutAfter < -1 || cutAfter > body.length) {
            throw new IllegalArgumentException("cutAfter must be -1 or within [0, body length " + body.length
                    + "], was " + cutAfter);
        }
        if (delayMillis < 0 || stallMillis < 0) {
            throw new IllegalArgumentException("delayMillis and stallMillis must be >= 0, were " + delayMillis + " and " + stallMillis);
        }
    }

    /** A {@code 200} JSON reply with this body. */
    public static Reply json(byte[] body) {
        return of(200, "application/json", body);
    }

    /** A reply with this status, {@code Content-Type} and body, sent in one piece. */
    public static Reply of(int status, String contentType, byte[] body) {
        return new Reply(status, Map.of("Content-Type", contentType), body, Chunking.FIXED_LENGTH, -1);
    }

    /** A reply with this status, {@code Content-Type} and UTF-8 text. */
    public static Reply of(int status, String contentType, String body) {
        return of(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A {@code 200} stream of lines (NDJSON, SSE), one chunk per line. */
    public static Reply streamed(String contentType, byte[] body) {
        return new Reply(200, Map.of("Content-Type", contentType), body, Chunking.PER_LINE, -1);
    }

    /** This reply with one more header (e.g. {@code Retry-After}). */
    public Reply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, h, body, chunking, cutAfter, delayMillis, stallMillis, keepAlive);
    }

    /** This reply sent with a different {@link Chunking}. */
    public Reply withChunking(Chunking chunking) {
        return new Reply(status, headers, body, chunking, cutAfter, delayMillis, stallMillis, keepAlive);
    }

    /** This reply with the connection dropped after {@code bytes} body bytes. */
    public Reply cutAfter(int bytes) {
        return new Reply(status, headers, body, chunking, bytes, delayMillis, stallMillis, keepAlive);
    }

    /** This reply after a wait of {@code millis} before the status line. */
    public Reply delay(long millis) {
        return new Reply(status, headers, body, chunking, cutAfter, millis, stallMillis, keepAlive);
    }

    /** This reply, streamed, then the connection kept open and silent for {@code millis}. */
    public Reply stallAfterBody(long millis) {
        return new Reply(status, headers, body, streaming(), cutAfter, delayMillis, millis, keepAlive);
    }

    /** This reply, streamed, then SSE keep-alive comments until the client goes away. */
    public Reply holdOpen() {
        return new Reply(status, headers, body, streaming(), cutAfter, delayMillis, stallMillis, true);
    }

    private Chunking streaming() {
        return chunking == Chunking.FIXED_LENGTH ? Chunking.CHUNKED : chunking;
    }

    /**
     * This reply with the connection dropped right after its {@code lines}-th line (counting
     * {@code \n}-ended lines, so SSE's blank separator lines count too).
     */
    public Reply cutAfterLines(int lines) {
        int seen = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n' && ++seen == lines) {
                return cutAfter(i + 1);
            }
        }
        throw new IllegalArgumentException("the body has only " + seen + " lines; cannot cut after " + lines);
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body's lines, for tests that count them. */
    public List<String> lines() {
        return new String(body, StandardCharsets.UTF_8).lines().toList();
    }
}
