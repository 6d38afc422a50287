package dev.logprobs4j.http.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads JSON arrays of byte values into reused arrays, for records that copy their bytes anyway
 * ({@code TopLogprob}, {@code TokenLogprob}): their defensive copy is then the only copy a token's
 * bytes get. Not thread-safe; one parse at a time.
 */
public final class ByteScratch {

    private static final int CACHED = 64;

    private byte[] buf = new byte[CACHED];
    private final byte[][] exact = new byte[CACHED + 1][]; // exact[n]: a reused array of length n

    /**
     * The current value, an array of 0..255 integers, as bytes in an array that the next call
     * overwrites (so hand it only to a constructor that copies it); null for JSON null.
     */
    public byte[] read(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        JsonSupport.require(p, JsonToken.START_ARRAY, "an array of byte values");
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            long v = JsonSupport.integer(p, -1);
            if (v < 0 || v > 255) {
                throw JsonSupport.malformed(p, "a byte value must be within [0, 255], was " + v);
            }
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, n * 2);
            }
            buf[n++] = (byte) v;
        }
        if (n > CACHED) {
            return Arrays.copyOf(buf, n);
        }
        byte[] out = exact[n];
        if (out == null) {
            out = exact[n] = new byte[n];
        }
        System.arraycopy(buf, 0, out, 0, n);
        return out;
    }
}
