package dev.logprobs4j.llamacpp.internal;

import com.fasterxml.jackson.core.JsonParser;
import dev.logprobs4j.TokenLogprob;
import java.nio.charset.StandardCharsets;

/** Turns probabilities into logprobs and older servers' token text into bytes. Stateless. */
public final class Probabilities {

    private static final String BYTE_PREFIX = "byte: \\x";

    private Probabilities() {
    }

    /**
     * {@code ln p}. A probability of exactly 0 becomes {@link TokenLogprob#VERY_UNLIKELY}, not
     * {@code -Infinity}: JSON cannot carry an infinity, OpenAI-shaped consumers expect a number, and
     * the {@code Logprobs} helpers already leave the marker out of sums and means.
     *
     * @throws dev.logprobs4j.MalformedResponseException when {@code p} is not within [0, 1]
     */
    public static double toLogprob(double p, JsonParser where) {
        if (Double.isNaN(p)) {
            return TokenLogprob.VERY_UNLIKELY; // null: nothing measured
        }
        if (p < 0 || p > 1 + 1e-6) {
            throw JsonSupport.malformed(where, "a probability must be within [0, 1], was " + p);
        }
        if (p == 0) {
            return TokenLogprob.VERY_UNLIKELY;
        }
        return Math.min(0.0, Math.log(p));
    }

    /**
     * The bytes of an older server's token text: its UTF-8, except the {@code "byte: \xNN"} form those
     * servers wrote for a lone byte of a multi-byte character, which is that one byte.
     */
    public static byte[] legacyBytes(String token) {
        if (token.startsWith(BYTE_PREFIX) && token.length() <= BYTE_PREFIX.length() + 2 && token.length() > BYTE_PREFIX.length()) {
            try {
                return new byte[] {(byte) Integer.parseInt(token.substring(BYTE_PREFIX.length()), 16)};
            } catch (NumberFormatException e) {
                // not the byte form after all: fall through to the text's UTF-8
            }
        }
        return token.getBytes(StandardCharsets.UTF_8);
    }
}
