package dev.logprobs4j.engine;

/**
 * A token id with its log probability. Immutable.
 *
 * @param tokenId id in the model's vocabulary, >= 0
 * @param logprob natural-log probability, <= 0 (may be negative infinity)
 */
public record IdLogprob(int tokenId, double logprob) {
    public IdLogprob {
        if (tokenId < 0) {
            throw new IllegalArgumentException("tokenId must be >= 0, is " + tokenId);
        }
        if (!(logprob <= 0)) {
            throw new IllegalArgumentException("logprob must be <= 0, is " + logprob);
        }
    }
}
