package dev.logprobs4j.engine;

import dev.logprobs4j.engine.internal.Forward;
import dev.logprobs4j.engine.internal.KvCache;
import dev.logprobs4j.engine.internal.Rows;
import java.util.Objects;

/**
 * A conversation state on a {@link Model}: the KV cache of the tokens fed so far and the
 * activation buffers of its forward pass.
 *
 * <p>Not thread-safe: use one session per thread. Returned logit arrays are owned by the session
 * and overwritten by the next call; copy them to keep them.
 */
public final class Session {
    /** Receiver of the logits of every prompt position (see {@link #prefill(int[], LogitsConsumer)}). */
    @FunctionalInterface
    public interface LogitsConsumer {
        /**
         * Called once per token in order.
         *
         * @param index index of the token within the prefilled array
         * @param logits raw next-token logits after that token; valid only during this call
         * @param offset where the {@code vocabularySize} logits start in {@code logits}
         */
        void accept(int index, float[] logits, int offset);
    }

    /** Receiver of each scored prompt token (see {@link #score}). */
    @FunctionalInterface
    public interface ScoreConsumer {
        /**
         * Called once per scored token in order.
         *
         * @param index index of the scored token within the prompt, from 1
         * @param step its logprob given the tokens before it, with the alternatives; valid only during this call
         */
        void accept(int index, LogprobStep step);
    }

    private final Model model;
    private final KvCache cache;
    private final Forward forward;
    private final Rows rows = new Rows();
    private final int vocab;
    private final float[] logits; // (vocab) logits after the last fed token
    private int position;

    Session(Model model, KvCache cache) {
        this.model = model;
        this.cache = cache;
        this.forward = model.newForward();
        this.vocab = model.config().vocabularySize();
        this.logits = new float[vocab];
    }

    /** The model. */
    public Model model() {
        return model;
    }

    /** Number of tokens in the KV cache: the position the next token will take. */
    public int position() {
        return position;
    }

    /** Capacity of the KV cache in tokens. */
    public int contextLength() {
        return cache.capacity();
    }

    /**
     * Feeds {@code tokens} (batched through the layers) and returns the logits after the last one.
     *
     * @return the session's logits buffer of length vocabularySize
     * @throws IllegalArgumentException if {@code tokens} is empty or holds an id outside the vocabulary
     * @throws IllegalStateException if the tokens do not fit in the remaining context
     */
    public float[] prefill(int[] tokens) {
        check(tokens);
        for (int off = 0; off < tokens.length; off += Forward.PROMPT_CHUNK) {
            int n = Math.min(Forward.PROMPT_CHUNK, tokens.length - off);
            boolean last = off + n == tokens.length;
            feed(tokens, off, n, last ? n - 1 : n);
            if (last) {
                System.arraycopy(forward.logits(), 0, logits, 0, vocab);
            }
        }
        return logits;
    }

    /**
     * Feeds {@code tokens} and hands the logits after every one of them to {@code consumer}, in
     * order; costs one vocabulary projection per token, but holds the logits of one chunk of
     * tokens at a time, never of the whole prompt.
     *
     * @return the logits after the last token (also given to {@code consumer} last)
     */
    public float[] prefill(int[] tokens, LogitsConsumer consumer) {
        check(tokens);
        Objects.requireNonNull(consumer, "consumer");
        for (int off = 0; off < tokens.length; off += Forward.SCORE_CHUNK) {
            int n = Math.min(Forward.SCORE_CHUNK, tokens.length - off);
            feed(tokens, off, n, 0);
            float[] all = forward.logits();
            for (int b = 0; b < n; b++) {
                consumer.accept(off + b, all, b * vocab);
            }
            if (off + n == tokens.length) {
                System.arraycopy(all, (n - 1) * vocab, logits, 0, vocab);
            }
        }
        return logits;
    }

    /**
     * Feeds {@code tokens} and scores them: for each token after the first, {@code step} is filled
     * with its logprob given the tokens before it and handed to {@code consumer}, in order. This is
     * prefill keeping every position's logits, one chunk at a time.
     *
     * @param step where each token's logprob and its {@code topK} alternatives go; reused
     * @return the logits after the last token
     */
    public float[] score(int[] tokens, LogprobStep step, ScoreConsumer consumer) {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(consumer, "consumer");
        return prefill(tokens, (i, all, off) -> {
            if (i + 1 < tokens.length) {
                consumer.accept(i + 1, step.compute(all, off, vocab, tokens[i + 1]));
            }
        });
    }

    /**
     * Feeds one token and returns the logits for the next.
     *
     * @return the session's logits buffer of length vocabularySize
     */
    public float[] decode(int token) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("token " + token + " is not in the vocabulary [0, " + vocab + ")");
        }
        if (position >= contextLength()) {
            throw new IllegalStateException("context full: 1 token does not fit at position " + position + " in a context of "
                    + contextLength() + "; start a session with a larger contextLength or rewind");
        }
        rows.clear().add(token, position, cache, true);
        forward.run(rows);
        rows.clear();
        position++;
        System.arraycopy(forward.logits(), 0, logits, 0, vocab);
        return logits;
    }

    /** Runs {@code tokens[off .. off+n)} at the next positions; rows from {@code firstOutput} on want logits. */
    private void feed(int[] tokens, int off, int n, int firstOutput) {
        rows.clear();
        for (int b = 0; b < n; b++) {
            rows.add(tokens[off + b], position + b, cache, b >= firstOutput);
        }
        forward.run(rows);
        rows.clear();
        position += n;
    }

    KvCache cache() {
        return cache;
    }

    /** Counts the token a {@link DecodeBatch} step just fed. */
    void advance() {
        position++;
    }

    /** Counts the {@code n} tokens a {@link PrefillBatch} pass feeds. */
    void advance(int n) {
        position += n;
    }

    /** The logits after the last fed token (zeros before the first call). */
    public float[] logits() {
        return logits;
    }

    /**
     * Forgets every token from {@code position} on, so that the next token is fed at {@code position}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= position <= position()}
     */
    public void rewind(int position) {
        if (position < 0 || position > this.position) {
            throw new IllegalArgumentException("rewind position must be within [0, " + this.position + "], is " + position);
        }
        this.position = position;
    }

    private void check(int[] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokens must not be empty");
        }
        if (tokens.length > contextLength() - position) {
            throw new IllegalStateException("context full: " + tokens.length + " tokens do not fit at position " + position
                    + " in a context of " + contextLength() + "; start a session with a larger contextLength or rewind");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("tokens[" + i + "] = " + tokens[i] + " is not in the vocabulary [0, " + vocab + ")");
            }
        }
    }
}
