package dev.logprobs4j.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads {@code \n}-ended lines as raw bytes (no charset decoding: the JSON parser reads UTF-8).
 * Refuses lines longer than {@link #MAX_LINE} so a broken server cannot make it allocate without
 * bound. Not thread-safe.
 */
public final class LineReader {

    /** The longest line accepted (one NDJSON object with top logprobs stays far below this). */
    public static final int MAX_LINE = 16 << 20;

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;
    private long offset; // bytes consumed so far, for error messages

    public LineReader(InputStream in) {
        this.in = in;
    }

    /** Bytes read so far. */
    public long offset() {
        return offset;
    }

    /**
     * The next line without its {@code \n} (and {@code \r}), or {@code null} at the end of the
     * stream. A last line without {@code \n} is returned too.
     */
    public byte[] readLine() throws IOException {
        byte[] line = new byte[128];
        int length = 0;
        while (true) {
            if (pos == limit) {
                limit = in.read(buffer);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return length == 0 ? null : trim(line, length);
                }
            }
            byte b = buffer[pos++];
            offset++;
            if (b == '\n') {
                return trim(line, length);
            }
            if (length == line.length) {
                if (length >= MAX_LINE) {
                    throw new IOException("a line longer than " + MAX_LINE + " bytes at byte offset " + offset
                            + "; the server is not sending newline-delimited JSON");
                }
                line = Arrays.copyOf(line, Math.min(MAX_LINE, length * 2));
            }
            line[length++] = b;
        }
    }

    private static byte[] trim(byte[] line, int length) {
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return Arrays.copyOf(line, length);
    }
}
