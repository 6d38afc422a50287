package dev.logprobs4j.http.internal;

import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.MalformedResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads server-sent events from raw bytes, per the WHATWG "event stream" rules: lines end in CRLF,
 * LF or CR; {@code data:} lines add up (joined by {@code \n}); {@code event:} names the event;
 * {@code :} starts a comment; one space after the colon is dropped; a blank line dispatches; an
 * event cut off by the end of the stream is not dispatched; a UTF-8 byte order mark is skipped.
 * Field names are matched against pre-encoded bytes; values must be valid UTF-8 (data is checked
 * when it is decoded or parsed). Not thread-safe.
 *
 * <p>One field beyond the spec: llama.cpp's server reports a failure inside a stream as an
 * {@code error:} line, kept in {@link Event#error()}; an event with only that field is dispatched too.
 * A reader made by {@link #withoutErrorField(InputStream)} treats such a line as malformed instead,
 * for APIs that report errors as {@code event: error} events and never send the field.
 *
 * <p>Stricter than the spec in one way, on purpose: a line whose field is not {@code data},
 * {@code event}, {@code id}, {@code retry} or (when accepted) {@code error} fails with the byte offset. The servers we
 * talk to send nothing else, so such a line means the body is not an event stream at all (a proxy's
 * HTML page, newline-delimited JSON), and ignoring it would only turn into a confusing "stream ended"
 * error later.
 */
public final class SseReader implements AutoCloseable {

    /**
     * One dispatched event: its data exists once, as the UTF-8 bytes it arrived as; {@link #data()}
     * decodes (and checks) them only when asked, and JSON readers parse the bytes themselves (Jackson
     * refuses malformed UTF-8 as it goes). Immutable; thread-safe.
     */
    public static final class Event {

        private static final byte[] NONE = new byte[0];

        private final String type;
        private final byte[] dataBytes; // the UTF-8 of the data, or null when the event has none
        private final String error;
        private final long offset;

        Event(String type, byte[] dataBytes, String error, long offset) {
            this.type = type;
            this.dataBytes = dataBytes;
            this.error = error;
            this.offset = offset;
        }

        /** The {@code event:} name, or null for the default {@code message} type. */
        public String type() {
            return type;
        }

        /**
         * The {@code data:} lines joined by {@code \n}, decoded from {@link #dataBytes()}, or null when the event has none.
         *
         * @throws MalformedResponseException naming the event's byte offset when the data is not valid UTF-8
         */
        public String data() {
            return dataBytes == null ? null : decode(dataBytes, 0, dataBytes.length, offset);
        }

        /**
         * The UTF-8 bytes of the data (shared: the caller must not change them, and may hand them on
         * to one owner that keeps them), or null when the event has none.
         */
        public byte[] dataBytes() {
            return dataBytes;
        }

        /** Whether the data, without leading and trailing ASCII white space, is {@code ascii} (e.g. {@code [DONE]}). */
        public boolean dataIs(String ascii) {
            byte[] b = dataBytes == null ? NONE : dataBytes;
            int from = 0;
            int to = b.length;
            while (from < to && b[from] <= ' ' && b[from] >= 0) {
                from++;
            }
            while (to > from && b[to - 1] <= ' ' && b[to - 1] >= 0) {
                to--;
            }
            if (to - from != ascii.length()) {
                return false;
            }
            for (int i = 0; i < ascii.length(); i++) {
                if (b[from + i] != ascii.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** The {@code error:} field (llama.cpp), or null. */
        public String error() {
            return error;
        }

        /** The byte offset of the event's first line in the stream. */
        public long offset() {
            return offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Event e && Objects.equals(type, e.type) && Arrays.equals(dataBytes, e.dataBytes)
                    && Objects.equals(error, e.error) && offset == e.offset;
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, Arrays.hashCode(dataBytes), error, offset);
        }

        @Override
        public String toString() {
            return "Event[type=" + type + ", data=" + (dataBytes == null ? null : new String(dataBytes, StandardCharsets.UTF_8))
                    + ", error=" + error + ", offset=" + offset + "]";
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] ID = {'i', 'd'};
    private static final byte[] RETRY = {'r', 'e', 't', 'r', 'y'};
    private static final byte[] ERROR = {'e', 'r', 'r', 'o', 'r'};
    /** The longest line accepted; longer ones are refused instead of buffered without bound. */
    static final int MAX_LINE = 16 << 20;

    private final InputStream in;
    private final boolean errorField; // whether 'error:' lines are accepted
    private final byte[] buf = new byte[16384];
    private int pos;
    private int limit;
    private long consumed; // stream offset of buf[0]
    private boolean eof;
    private boolean lastWasCr;
    private boolean first = true;

    // The current line is lineBytes[lineFrom, lineFrom + lineLength): a view into buf when it arrived in one
    // piece (the common case, so the line is not copied), else the bytes gathered in line.
    private byte[] line = new byte[256];
    private byte[] lineBytes;
    private int lineFrom;
    private int lineLength;
    private long lineOffset;

    private byte[] single; // the data of an event with one data line (nearly all): its bytes, copied once
    private byte[] data = new byte[256]; // the data lines joined by '\n' when there are more
    private int dataLength;
    private boolean hasData;
    private String type;
    private String error;
    private long eventOffset = -1;

    /** A reader that accepts llama.cpp's {@code error:} field. */
    public SseReader(InputStream in) {
        this(in, true);
    }

    private SseReader(InputStream in, boolean errorField) {
        this.in = in;
        this.errorField = errorField;
    }

    /**
     * A reader that refuses {@code error:} lines like any unknown field, so {@link Event#error()} is
     * always null (OpenAI's APIs report errors as {@code event: error} events).
     */
    public static SseReader withoutErrorField(InputStream in) {
        return new SseReader(in, false);
    }

    /** Bytes read from the stream so far. */
    public long offset() {
        return consumed + pos;
    }

    /**
     * The next event, or {@code null} at the end of the stream.
     *
     * @throws IOException                when reading fails
     * @throws MalformedResponseException naming the byte offset when the bytes are not an event stream
     */
    public Event next() throws IOException {
        while (readLine()) {
            if (lineLength == 0) {
                if (hasData || error != null) {
                    // Checked as UTF-8 when decoded or parsed, not here.
                    byte[] bytes = !hasData ? null : single != null ? single : Arrays.copyOf(data, dataLength);
                    Event e = new Event(type, bytes, error, eventOffset);
                    reset();
                    return e;
                }
                reset();
                continue;
            }
            if (eventOffset < 0) {
                eventOffset = lineOffset;
            }
            byte[] l = lineBytes;
            int from = lineFrom;
            if (l[from] == ':') {
                continue; // comment, e.g. a keep-alive
            }
            int colon = indexOf(l, from, lineLength, (byte) ':');
            int nameEnd = colon < 0 ? lineLength : colon;
            int valueStart = colon < 0 ? lineLength : colon + 1;
            if (valueStart < lineLength && l[from + valueStart] == ' ') {
                valueStart++;
            }
            if (is(DATA, nameEnd)) {
                appendData(valueStart);
            } else if (is(EVENT, nameEnd)) {
                type = decode(l, from, lineLength, lineOffset).substring(valueStart);
            } else if (errorField && is(ERROR, nameEnd)) {
                error = decode(l, from, lineLength, lineOffset).substring(valueStart);
            } else if (is(ID, nameEnd) || is(RETRY, nameEnd)) {
                continue; // chat completions do not resume, so ids and reconnection delays are not used
            } else {
                String text = decodeLenient(l, from, Math.min(lineLength, 60));
                throw new MalformedResponseException("the stream is not a server-sent event stream: expected a line starting"
                        + " with 'data:', 'event:', 'id:', 'retry:'" + (errorField ? ", 'error:'" : "") + " or ':', found '" + text + (lineLength > 60 ? "...'" : "'"),
                        "byte " + lineOffset + " of the stream", null);
            }
        }
        return null; // an event cut off by the end of the stream is dropped, as the spec says
    }

    /**
     * {@link #next()} for readers that report a broken connection as the stream's end: an
     * {@link IOException} becomes an {@link IncompleteStreamException} naming the byte offset.
     */
    public Event nextOrIncomplete() {
        try {
            return next();
        } catch (IOException e) {
            throw new IncompleteStreamException("the stream broke at byte " + offset() + ": " + e, null, 0, e);
        }
    }

    /** Closes the underlying stream, which cancels the HTTP exchange; failures to close are ignored. */
    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing only cancels the request; nothing is left to report
        }
    }

    private void reset() {
        single = null;
        dataLength = 0;
        hasData = false;
        type = null;
        error = null;
        eventOffset = -1;
    }

    private boolean is(byte[] name, int length) {
        return length == name.length && Arrays.equals(lineBytes, lineFrom, lineFrom + length, name, 0, length);
    }

    /** Adds the line's value from {@code valueStart} to the event's data: lines after the first join with '\n'. */
    private void appendData(int valueStart) {
        int from = lineFrom + valueStart;
        int n = lineLength - valueStart;
        if (!hasData) {
            single = Arrays.copyOfRange(lineBytes, from, from + n);
            hasData = true;
            return;
        }
        if (single != null) {
            ensureData(single.length);
            System.arraycopy(single, 0, data, 0, single.length);
            dataLength = single.length;
            single = null;
        }
        ensureData(dataLength + 1 + n);
        data[dataLength++] = '\n';
        System.arraycopy(lineBytes, from, data, dataLength, n);
        dataLength += n;
    }

    private void ensureData(int needed) {
        if (needed > MAX_LINE) {
            throw new MalformedResponseException("an event's data is longer than " + MAX_LINE + " bytes",
                    "byte " + eventOffset + " of the stream", null);
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, data.length * 2));
        }
    }

    /**
     * Reads one line into {@code lineBytes[lineFrom, lineFrom + lineLength)}, valid until the next call;
     * false at the end of the stream (a last unterminated line is dropped).
     */
    private boolean readLine() throws IOException {
        lineLength = 0;
        lineBytes = line;
        lineFrom = 0;
        lineOffset = offset();
        while (true) {
            if (pos == limit && !fill()) {
                return false;
            }
            if (lastWasCr) {
                lastWasCr = false;
                if (buf[pos] == '\n') {
                    pos++; // the LF of a CRLF pair
                    lineOffset = offset();
                    continue;
                }
            }
            int start = pos;
            pos = lineEnd(buf, pos, limit);
            if (pos < limit && lineLength == 0) {
                lineBytes = buf; // the whole line is in the buffer: read it there
                lineFrom = start;
                lineLength = pos - start;
            } else {
                appendLine(start, pos);
                lineBytes = line; // appendLine may have grown it
            }
            if (pos < limit) {
                lastWasCr = buf[pos] == '\r';
                pos++;
                if (first) {
                    first = false;
                    stripByteOrderMark();
                }
                return true;
            }
        }
    }

    /**
     * The index of the first CR or LF in {@code b[from, to)}, or {@code to}. Eight bytes at a time (a
     * streamed event with top logprobs is a few KB on one line, and a byte loop was its reader's main cost):
     * {@code (v - 0x01..) & ~v & 0x80..} flags the zero bytes of {@code v}, exactly up to and including the
     * first one, which is all the lowest set bit needs.
     */
    static int lineEnd(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i);
            long lf = w ^ 0x0A0A0A0A0A0A0A0AL;
            long cr = w ^ 0x0D0D0D0D0D0D0D0DL;
            long hit = ((lf - 0x0101010101010101L) & ~lf | (cr - 0x0101010101010101L) & ~cr) & 0x8080808080808080L;
            if (hit != 0) {
                return i + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
        }
        while (i < to && b[i] != '\n' && b[i] != '\r') {
            i++;
        }
        return i;
    }

    /** A UTF-8 byte order mark before the first line is not part of the stream. */
    private void stripByteOrderMark() {
        byte[] l = lineBytes;
        int f = lineFrom;
        if (lineLength >= 3 && (l[f] & 0xFF) == 0xEF && (l[f + 1] & 0xFF) == 0xBB && (l[f + 2] & 0xFF) == 0xBF) {
            lineFrom += 3;
            lineLength -= 3;
            lineOffset += 3;
        }
    }

    private void appendLine(int from, int to) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        if (lineLength + n > MAX_LINE) {
            throw new MalformedResponseException("a line of the stream is longer than " + MAX_LINE + " bytes",
                    "byte " + lineOffset + " of the stream", null);
        }
        if (lineLength + n > line.length) {
            line = Arrays.copyOf(line, Math.max(lineLength + n, line.length * 2));
        }
        System.arraycopy(buf, from, line, lineLength, n);
        lineLength += n;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        consumed += limit;
        pos = 0;
        limit = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = n < 0;
            return !eof && fill();
        }
        limit = n;
        return true;
    }

    /**
     * The UTF-8 text of {@code bytes}, refusing malformed sequences. {@code new String} is the fast path (one
     * copy for ASCII, no CharBuffer); it replaces bad input with U+FFFD, so only text containing that
     * character is decoded again strictly to tell a sent U+FFFD from a bad byte.
     */
    private static String decode(byte[] bytes, int from, int length, long at) {
        String text = new String(bytes, from, length, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, from, length)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedResponseException("the stream is not valid UTF-8", "the event at byte " + at + " of the stream", e);
        }
    }

    private static String decodeLenient(byte[] bytes, int from, int length) {
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, from, length));
        return chars.toString();
    }

    /** The index of {@code b} in {@code bytes[from, from + length)}, relative to {@code from}, or -1. */
    private static int indexOf(byte[] bytes, int from, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[from + i] == b) {
                return i;
            }
        }
        return -1;
    }
}
