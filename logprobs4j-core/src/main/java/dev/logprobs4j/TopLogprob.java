package dev.logprobs4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * One of the most likely alternatives at a position: an immutable token, its UTF-8 bytes and log
 * probability (natural log), as in OpenAI's {@code top_logprobs} entries.
 *
 * @param token   the token's text; bytes that are not valid UTF-8 on their own are written as
 *                {@code \xNN} escapes by the local engine (providers' text is kept as they send it)
 * @param bytes   the token's raw bytes, or {@code null} when the provider sent none
 * @param logprob natural-log probability; {@link TokenLogprob#VERY_UNLIKELY} is OpenAI's marker for
 *                "too unlikely to report", not a real value
 */
public record TopLogprob(String token, byte[] bytes, double logprob) {

    public TopLogprob {
        Objects.requireNonNull(token, "token must not be null");
        bytes = bytes == null ? null : bytes.clone();
        if (Double.isNaN(logprob) || logprob > 1e-6) {
            throw new IllegalArgumentException("logprob must be <= 0 and not NaN, was " + logprob + " for token '" + token + "'");
        }
    }

    /** A copy of the raw bytes, or {@code null} when the provider sent none. */
    @Override
    public byte[] bytes() {
        return bytes == null ? null : bytes.clone();
    }

    /** The probability, {@code exp(logprob)}. */
    public double probability() {
        return Math.exp(logprob);
    }

    /** Whether this is OpenAI's {@code -9999.0} "very unlikely" marker rather than a measured value. */
    public boolean isVeryUnlikely() {
        return logprob <= TokenLogprob.VERY_UNLIKELY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopLogprob t && token.equals(t.token) && Arrays.equals(bytes, t.bytes)
                && Double.compare(logprob, t.logprob) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(token, Arrays.hashCode(bytes), logprob);
    }

    @Override
    public String toString() {
        return "TopLogprob[token=" + token + ", bytes=" + Arrays.toString(bytes) + ", logprob=" + logprob + "]";
    }
}
