package dev.logprobs4j.local.internal;

import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.engine.Session;
import java.util.Arrays;

/**
 * Prompt logprobs of a token array of any length, in rolling windows: every token from position 1
 * on is scored exactly once, conditioned on up to {@code window} tokens before it.
 *
 * <p>Windows are prefilled afresh, in batches, in one session rewound to 0 between them: reusing
 * the overlap's KV cache would need its keys re-rotated to new positions (llama.cpp's context
 * shift), which changes the numbers, whereas a fresh prefill gives each token exactly the logprob
 * that scoring its own context alone would give. The cost is {@code window / stride} fed tokens
 * per scored token. Windows go through {@link LocalEngine#prefillScored}, so concurrent calls share
 * forward passes. Not thread-safe; one instance per call.
 */
public final class RollingScorer {

    /** Receives each scored token, in order. */
    @FunctionalInterface
    public interface Sink {
        void accept(int position, int context, TokenLogprob logprob);
    }

    private final LocalEngine engine;
    private final int window;
    private final int stride;
    private final int topLogprobs;

    /**
     * @param window most tokens of context per scored token, and the most tokens fed per pass
     * @param stride tokens each window after the first scores, within [1, window]
     */
    public RollingScorer(LocalEngine engine, int window, int stride, int topLogprobs) {
        if (window < 1 || stride < 1 || stride > window) {
            throw new IllegalArgumentException("need 1 <= stride <= window, got window " + window + ", stride " + stride);
        }
        this.engine = engine;
        this.window = window;
        this.stride = stride;
        this.topLogprobs = topLogprobs;
    }

    /**
     * Scores {@code tokens[1..]} and returns how many windows (forward passes) that took.
     *
     * <p>Window by window: targets {@code [first, end)} are predicted from the fed tokens
     * {@code [start, end - 1)} with {@code start = max(0, end - 1 - window)}, so target {@code i}
     * sees {@code i - start} tokens. The first window ends at {@code min(n, window + 1)}; each next
     * one starts where the last ended and takes {@code stride} more targets.
     */
    public int score(int[] tokens, Sink sink) {
        int n = tokens.length;
        if (n < 2) {
            return 0;
        }
        Session session = engine.model().newSession(Math.min(window, n - 1));
        int windows = 0;
        int first = 1;
        int end = Math.min(n, window + 1);
        while (first < n) {
            int start = Math.max(0, end - 1 - window);
            int from = first;
            session.rewind(0);
            engine.prefillScored(session, Arrays.copyOfRange(tokens, start, end - 1), (index, logits, offset) -> {
                int target = start + index + 1;
                if (target < from) {
                    return; // context only: scored by an earlier window
                }
                sink.accept(target, target - start, engine.tokenLogprob(logits, offset, tokens[target], topLogprobs));
            });
            windows++;
            first = end;
            end = Math.min(n, end + stride);
        }
        return windows;
    }
}
