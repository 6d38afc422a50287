package dev.logprobs4j.engine;

import dev.logprobs4j.engine.internal.Transformer;
import dev.logprobs4j.engine.internal.Weights;
import java.util.Objects;

/**
 * A conversation state on a {@link Model}: the KV cache of the tokens fed so far and the
 * activation buffers of the forward pass.
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

    private final Model model;
    private final Transformer transformer;
    private final int vocab;
    private final float[] logits; // (vocab) logits after the last fed token
    private final int[] one = new int[1];
    private int position;
    /** Preallocated so that decoding a token creates no lambda. */
    private final Runnable decodeStep = this::decodeOne;

    Session(Model model, Weights weights, int contextLength, KvCacheType kvCacheType) {
        this.model = model;
        this.transformer = new Transformer(model.config(), weights, contextLength, model.threads(), kvCacheType);
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
        return transformer.contextLength();
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
        run(() -> {
            for (int off = 0; off < tokens.length; off += Transformer.MAX_BATCH) {
                int n = Math.min(Transformer.MAX_BATCH, tokens.length - off);
                transformer.forward(tokens, off, n, position, logits, false);
                position += n;
            }
        });
        return logits;
    }

    /**
     * Feeds {@code tokens} and hands the logits after every one of them to {@code consumer}, in
     * order, e.g. for prompt logprobs; costs one vocabulary projection per token.
     *
     * @return the logits after the last token (also given to {@code consumer} last)
     */
    public float[] prefill(int[] tokens, LogitsConsumer consumer) {
        check(tokens);
        Objects.requireNonNull(consumer, "consumer");
        run(() -> {
            for (int off = 0; off < tokens.length; off += Transformer.MAX_BATCH) {
                int n = Math.min(Transformer.MAX_BATCH, tokens.length - off);
                transformer.forward(tokens, off, n, position, logits, true);
                position += n;
                float[] all = transformer.batchLogits();
                for (int b = 0; b < n; b++) {
                    consumer.accept(off + b, all, b * vocab);
                }
                if (off + n == tokens.length) {
                    System.arraycopy(all, (n - 1) * vocab, logits, 0, vocab);
                }
            }
        });
        return logits;
    }

    /**
     * Feeds one token and returns the logits for the next.
     *
     * @return the session's logits buffer of length vocabularySize
     */
    public float[] decode(int token) {
        one[0] = token;
        check(one);
        run(decodeStep);
        return logits;
    }

    private void decodeOne() {
        transformer.forward(one, 0, 1, position, logits, false);
        position++;
    }

    Transformer transformer() {
        return transformer;
    }

    /** Counts the token a {@link DecodeBatch} step just fed. */
    void advance() {
        position++;
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

    private static void run(Runnable r) {
        r.run();
    }
}
