package dev.logprobs4j;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One generated token with its log probability and most likely alternatives: an immutable value,
 * field for field OpenAI's {@code logprobs.content[i]} ({@code token}, {@code bytes},
 * {@code logprob}, {@code top_logprobs}).
 *
 * <p>{@code logprob} is the natural log of the token's probability. For the local engine it is the
 * log-softmax of the raw logits, before temperature and truncation (as OpenAI and vLLM report it).
 * OpenAI writes {@value #VERY_UNLIKELY} for values too small to report; that marker is kept as data
 * ({@link #isVeryUnlikely()}) and left out of averages by the helpers in {@link Logprobs}.
 *
 * <p>{@code tokenId} and {@code rank} are optional: known for the local engine (always) and vLLM's
 * prompt logprobs, {@link #UNKNOWN_ID}/{@link #UNKNOWN_RANK} elsewhere. They are left out of OpenAI's
 * JSON shape; the logprobs4j server writes them when asked ({@code logprobs_token_ids: true}).
 *
 * @param token       the token's text (see {@link TopLogprob#token()} for undecodable bytes)
 * @param bytes       the token's raw bytes, or {@code null} when the provider sent none
 * @param logprob     natural-log probability of the chosen token
 * @param topLogprobs the most likely tokens at this position, most likely first (empty when not requested)
 * @param tokenId     the token's id in the model's vocabulary, or {@link #UNKNOWN_ID} when the provider
 *                    did not say (the local engine always does; vLLM does in {@code prompt_logprobs})
 * @param rank        the token's rank in the whole distribution at this position (1 = the most likely;
 *                    ties broken by lower id first), or {@link #UNKNOWN_RANK} when the provider did not say.
 *                    A rank above the number of alternatives tells how far outside them the token was.
 * @param forced      whether a decoding constraint ({@link ResponseFormat}) left this token as the only
 *                    choice; {@code logprob} is still the model's own, unconstrained value (local engine only;
 *                    always false for providers). The logprobs4j server writes it when asked
 *                    ({@code logprobs_forced: true}).
 */
public record TokenLogprob(String token, byte[] bytes, double logprob, List<TopLogprob> topLogprobs, int tokenId, int rank,
                           boolean forced) {

    /** OpenAI's marker for a probability too small to report. */
    public static final double VERY_UNLIKELY = -9999.0;

    /** {@link #tokenId()} when the provider sent no id. */
    public static final int UNKNOWN_ID = -1;

    /** {@link #rank()} when the provider sent no rank. */
    public static final int UNKNOWN_RANK = 0;

    public TokenLogprob {
        Objects.requireNonNull(token, "token must not be null");
        bytes = bytes == null ? null : bytes.clone();
        if (Double.isNaN(logprob) || logprob > 1e-6) {
            throw new IllegalArgumentException("logprob must be <= 0 and not NaN, was " + logprob + " for token '" + token + "'");
        }
        topLogprobs = topLogprobs == null ? List.of() : List.copyOf(topLogprobs);
        checkIdentity(tokenId, rank, token);
    }

    /** A token whose id and rank are unknown (what most providers send). */
    public TokenLogprob(String token, byte[] bytes, double logprob, List<TopLogprob> topLogprobs) {
        this(token, bytes, logprob, topLogprobs, UNKNOWN_ID, UNKNOWN_RANK);
    }

    /** A token that no constraint forced. */
    public TokenLogprob(String token, byte[] bytes, double logprob, List<TopLogprob> topLogprobs, int tokenId, int rank) {
        this(token, bytes, logprob, topLogprobs, tokenId, rank, false);
    }

    /** A token without alternatives, id or rank. */
    public TokenLogprob(String token, byte[] bytes, double logprob) {
        this(token, bytes, logprob, List.of());
    }

    static void checkIdentity(int tokenId, int rank, String token) {
        if (tokenId < UNKNOWN_ID) {
            throw new IllegalArgumentException("tokenId must be >= 0 (or -1 for unknown), was " + tokenId + " for token '" + token + "'");
        }
        if (rank < UNKNOWN_RANK) {
            throw new IllegalArgumentException("rank must be >= 1 (or 0 for unknown), was " + rank + " for token '" + token + "'");
        }
    }

    /** Whether {@link #tokenId()} is known. */
    public boolean hasTokenId() {
        return tokenId != UNKNOWN_ID;
    }

    /** A copy of the raw bytes, or {@code null} when the provider sent none. */
    @Override
    public byte[] bytes() {
        return bytes == null ? null : bytes.clone();
    }

    /** The probability, {@code exp(logprob)}; 0 for the {@link #VERY_UNLIKELY} marker. */
    public double probability() {
        return isVeryUnlikely() ? 0.0 : Math.exp(logprob);
    }

    /** Whether {@code logprob} is OpenAI's {@value #VERY_UNLIKELY} marker rather than a measured value. */
    public boolean isVeryUnlikely() {
        return logprob <= VERY_UNLIKELY;
    }

    /**
     * An estimate of the entropy (nats) of the distribution at this position from the top
     * alternatives: {@code -Σ p log p} over them, plus the leftover mass {@code r = 1 - Σ p} counted
     * as one more outcome ({@code -r log r}). It is a lower bound of the true entropy (the leftover
     * mass is really spread over many tokens), exact when the alternatives cover the whole
     * distribution. {@code NaN} when there are no alternatives.
     */
    public double entropyEstimate() {
        if (topLogprobs.isEmpty()) {
            return Double.NaN;
        }
        double entropy = 0;
        double mass = 0;
        for (TopLogprob alt : topLogprobs) {
            if (alt.isVeryUnlikely()) {
                continue;
            }
            double p = Math.exp(alt.logprob());
            mass += p;
            entropy -= p * alt.logprob();
        }
        double rest = 1.0 - mass;
        if (rest > 1e-12) {
            entropy -= rest * Math.log(rest);
        }
        return entropy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenLogprob t && token.equals(t.token) && Arrays.equals(bytes, t.bytes)
                && Double.compare(logprob, t.logprob) == 0 && topLogprobs.equals(t.topLogprobs)
                && tokenId == t.tokenId && rank == t.rank && forced == t.forced;
    }

    @Override
    public int hashCode() {
        return Objects.hash(token, Arrays.hashCode(bytes), logprob, topLogprobs, tokenId, rank, forced);
    }

    @Override
    public String toString() {
        return "TokenLogprob[token=" + token + ", bytes=" + Arrays.toString(bytes) + ", logprob=" + logprob
                + (hasTokenId() ? ", tokenId=" + tokenId : "") + (rank > 0 ? ", rank=" + rank : "") + ", topLogprobs=" + topLogprobs
                + (forced ? ", forced" : "") + "]";
    }
}
