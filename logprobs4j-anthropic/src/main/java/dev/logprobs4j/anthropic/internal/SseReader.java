package dev.logprobs4j.anthropic.internal;

import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.MalformedResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads Server-Sent Events from a byte stream: {@code event:}, {@code data:} and {@code error:}
 * fields (llama.cpp sends stream errors as {@code error:} lines; other servers never do), dispatched at a blank line.
 * Lines are matched as bytes; only field values are decoded. Not thread-safe.
 */
public final class SseReader implements AutoCloseable {

    /** One event: its name (or null), its data lines joined by {@code \n}, and an {@code error:} field (or null). */
    public record Event(String name, String data, String error) {
    }

    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "error".getBytes(StandardCharsets.US_ASCII);
    /** A line longer than this is not SSE we understand; refuse it rather than buffer without bound. */
    private static final int MAX_LINE = 16 * 1024 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private long offset; // bytes consumed before buffer[0]
    private byte[] line = new byte[1024];

    public SseReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next event, or {@code null} at the end of the stream (an event not closed by a blank line
     * at the end is dropped, as the SSE spec says).
     */
    public Event next() {
        String name = null;
        StringBuilder data = null;
        String error = null;
        while (true) {
            int length = readLine();
            if (length < 0) {
                return null;
            }
            if (length == 0) {
                if (data != null || error != null) {
                    return new Event(name, data == null ? null : data.toString(), error);
                }
                name = null;
                continue;
            }
            if (line[0] == ':') {
                continue; // comment, e.g. a keep-alive
            }
            int colon = indexOf(line, length, (byte) ':');
            int nameEnd = colon < 0 ? length : colon;
            int valueStart = colon < 0 ? length : colon + 1;
            if (valueStart < length && line[valueStart] == ' ') {
                valueStart++;
            }
            String value = new String(line, valueStart, length - valueStart, StandardCharsets.UTF_8);
            if (is(DATA, nameEnd)) {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            } else if (is(EVENT, nameEnd)) {
                name = value;
            } else if (is(ERROR, nameEnd)) {
                error = value;
            }
            // other fields (id, retry) carry nothing we use
        }
    }

    /** Bytes consumed so far: the offset reported in errors. */
    public long offset() {
        return offset + pos;
    }

    private boolean is(byte[] field, int nameEnd) {
        return nameEnd == field.length && Arrays.equals(line, 0, nameEnd, field, 0, field.length);
    }

    /** Reads one line into {@code line} without its terminator; -1 at the end of the stream. */
    private int readLine() {
        int length = 0;
        while (true) {
            if (pos == limit && !fill()) {
                return length == 0 ? -1 : length;
            }
            byte b = buffer[pos++];
            if (b == '\n') {
                return length;
            }
            if (b == '\r') {
                if ((pos < limit || fill()) && buffer[pos] == '\n') {
                    pos++;
                }
                return length;
            }
            if (length == line.length) {
                if (length >= MAX_LINE) {
                    throw new MalformedResponseException("an SSE line is longer than " + MAX_LINE + " bytes",
                            "byte " + offset(), null);
                }
                line = Arrays.copyOf(line, length * 2);
            }
            line[length++] = b;
        }
    }

    private boolean fill() {
        try {
            offset += limit;
            pos = 0;
            limit = 0;
            int n = in.read(buffer);
            if (n <= 0) {
                return false;
            }
            limit = n;
            return true;
        } catch (IOException e) {
            throw new IncompleteStreamException("the stream broke at byte " + offset() + ": " + e, null, 0, e);
        }
    }

    private static int indexOf(byte[] bytes, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing only cancels the request; nothing is left to report
        }
    }
}
