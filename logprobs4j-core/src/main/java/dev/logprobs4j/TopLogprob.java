package dev.logprobs4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * One of the most likely alternatives at a position: an immutable token, its UTF-8 bytes and log
 * probability (natural log), as in OpenAI's {@code top_logprobs} entries, with its vocabulary id and
 * rank where the provider knows them (see {@link TokenLogprob}).
 *
 * @param token   the token's text; bytes that are not valid UTF-8 on their own are written as
 *                {@code \xNN} escapes by the local engine (providers' text is kept as they send it)
 * @param bytes   the token's raw bytes, or {@code null} when the provider sent none
 * @param logprob natural-log probability; {@link TokenLogprob#VERY_UNLIKELY} is OpenAI's marker for
 *                "too unlikely to report", not a real value
 * @param tokenId the token's id in the model's vocabulary, or {@link TokenLogprob#UNKNOWN_ID} when the
 *                provider did not say (the local engine always does; vLLM does in {@code prompt_logprobs})
 * @param rank    the token's rank in the whole distribution at this position, 1 for the most likely,
 *                or {@link TokenLogprob#UNKNOWN_RANK} when the provider did not say
 */
public record TopLogprob(String token, byte[] bytes, double logprob, int tokenId, int rank) {

    public TopLogprob {
        Objects.requireNonNull(token, "token must not be null");
        bytes = bytes == null ? null : bytes.clone();
        if (Double.isNaN(logprob) || logprob > 1e-6) {
            throw new IllegalArgumentException("logprob must be <= 0 and not NaN, was " + logprob + " for token '" + token + "'");
        }
        TokenLogprob.checkIdentity(tokenId, rank, token);
    }

    /** An alternative whose id and rank are unknown (what most providers send). */
    public TopLogprob(String token, byte[] bytes, double logprob) {
        this(token, bytes, logprob, TokenLogprob.UNKNOWN_ID, TokenLogprob.UNKNOWN_RANK);
    }

    /** Whether {@link #tokenId()} is known. */
    public boolean hasTokenId() {
        return tokenId != TokenLogprob.UNKNOWN_ID;
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
                && Double.compare(logprob, t.logprob) == 0 && tokenId == t.tokenId && rank == t.rank;
    }

    @Override
    public int hashCode() {
        return Objects.hash(token, Arrays.hashCode(bytes), logprob, tokenId, rank);
    }

    @Override
    public String toString() {
        return "TopLogprob[token=" + token + ", bytes=" + Arrays.toString(bytes) + ", logprob=" + logprob
                + (hasTokenId() ? ", tokenId=" + tokenId : "") + (rank > 0 ? ", rank=" + rank : "") + "]";
    }
}
