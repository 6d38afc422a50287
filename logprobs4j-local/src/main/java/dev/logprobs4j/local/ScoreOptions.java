package dev.logprobs4j.local;

/**
 * How {@link LocalChatModel#score(String, ScoreOptions)} reads a text: how many alternatives each
 * token reports, and the rolling window that lets it score texts longer than one forward pass.
 * Immutable.
 *
 * <p>Rolling works as lm-evaluation-harness's {@code loglikelihood_rolling} and Hugging Face's
 * strided perplexity do: every token is scored exactly once, conditioned on up to {@code window}
 * tokens before it. The first window scores its tokens with all the context they have; each later
 * window moves on by {@code stride} tokens and scores only those, each with at least
 * {@code window - stride + 1} tokens of context. A smaller stride gives more context per token and
 * costs about {@code window / stride} forward passes per token.
 *
 * @param topLogprobs alternatives per token, 0..20
 * @param window      most tokens of context per scored token, which is also the most tokens one
 *                    forward pass feeds; 0 means the model's context length
 * @param stride      tokens each window after the first moves on and scores; 0 means half the window
 */
public record ScoreOptions(int topLogprobs, int window, int stride) {

    /** The defaults: no alternatives, a window of the whole context, a stride of half of it. */
    public static final ScoreOptions DEFAULTS = new ScoreOptions(0, 0, 0);

    public ScoreOptions {
        if (topLogprobs < 0 || topLogprobs > 20) {
            throw new IllegalArgumentException("topLogprobs must be within [0, 20], was " + topLogprobs);
        }
        if (window < 0 || window == 1) {
            throw new IllegalArgumentException("window must be 0 (the context length) or at least 2 tokens, was " + window);
        }
        if (stride < 0 || (window > 0 && stride > window)) {
            throw new IllegalArgumentException("stride must be within [1, window] (or 0 for half the window), was " + stride
                    + (window > 0 ? " with a window of " + window : ""));
        }
    }

    /** These options with {@code topLogprobs} alternatives per token. */
    public ScoreOptions withTopLogprobs(int topLogprobs) {
        return new ScoreOptions(topLogprobs, window, stride);
    }

    /** These options with a rolling {@code window} and {@code stride} (0 for their defaults). */
    public ScoreOptions withWindow(int window, int stride) {
        return new ScoreOptions(topLogprobs, window, stride);
    }

    /** The window in tokens for a model whose context holds {@code contextLength}. */
    int windowFor(int contextLength) {
        return window == 0 ? contextLength : window;
    }

    /** The stride in tokens for that window. */
    int strideFor(int contextLength) {
        int w = windowFor(contextLength);
        return stride == 0 ? Math.max(1, w / 2) : stride;
    }
}
