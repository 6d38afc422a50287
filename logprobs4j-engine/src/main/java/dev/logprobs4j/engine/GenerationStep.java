package dev.logprobs4j.engine;

import java.util.List;
import java.util.Objects;

/**
 * One token with its logprob and the most likely alternatives at that position. Immutable.
 *
 * @param tokenId the chosen (or, for prompt steps, the given) token
 * @param logprob its log-softmax of the raw logits
 * @param topLogprobs the most likely tokens of the same distribution, most likely first
 */
public record GenerationStep(int tokenId, double logprob, List<IdLogprob> topLogprobs) {
    public GenerationStep {
        if (tokenId < 0) {
            throw new IllegalArgumentException("tokenId must be >= 0, is " + tokenId);
        }
        topLogprobs = List.copyOf(Objects.requireNonNull(topLogprobs, "topLogprobs"));
    }
}
