package dev.logprobs4j.local;

import dev.logprobs4j.TokenLogprob;
import java.util.Objects;

/**
 * One scored token of a text, as {@link LocalChatModel#score(int[], ScoreOptions, java.util.function.Consumer)}
 * hands it out. Immutable.
 *
 * @param position index of the token in the scored token array (BOS, when the model uses one, is 0)
 * @param context  how many tokens before it the model saw when scoring it (BOS included)
 * @param logprob  its logprob given those tokens, with alternatives
 */
public record ScoredToken(int position, int context, TokenLogprob logprob) {

    public ScoredToken {
        Objects.requireNonNull(logprob, "logprob");
        if (position < 1 || context < 1 || context > position) {
            throw new IllegalArgumentException("need 1 <= context <= position, got context " + context + " at position " + position);
        }
    }
}
