package dev.logprobs4j.engine.internal;

import java.util.Arrays;

/**
 * The rows of one forward pass: row {@code i} feeds {@code token(i)} at {@code position(i)} of the
 * sequence whose cache is {@code cache(i)}, and asks for its next-token logits or not. A prompt is
 * rows of one sequence at consecutive positions; a batched decode step is one row per sequence;
 * scoring is a prompt whose every row wants logits. Rows of one sequence must come in position order.
 *
 * <p>Mutable and reused across passes so that decoding allocates nothing; not thread-safe.
 */
public final class Rows {
    int count;
    int outputs;
    int[] tokens = new int[8];
    int[] positions = new int[8];
    KvCache[] caches = new KvCache[8];
    boolean[] wantsLogits = new boolean[8];

    /** Empties the batch; drops the cache references so that a kept batch pins no sequence. */
    public Rows clear() {
        Arrays.fill(caches, 0, count, null);
        count = 0;
        outputs = 0;
        return this;
    }

    /** Appends a row. */
    public Rows add(int token, int position, KvCache cache, boolean wantsLogits) {
        if (count == tokens.length) {
            int n = 2 * count;
            tokens = Arrays.copyOf(tokens, n);
            positions = Arrays.copyOf(positions, n);
            caches = Arrays.copyOf(caches, n);
            this.wantsLogits = Arrays.copyOf(this.wantsLogits, n);
        }
        tokens[count] = token;
        positions[count] = position;
        caches[count] = cache;
        this.wantsLogits[count] = wantsLogits;
        count++;
        if (wantsLogits) {
            outputs++;
        }
        return this;
    }

    /** Number of rows. */
    public int count() {
        return count;
    }

    /** Number of rows that want logits: the rows of {@link Forward#logits()}. */
    public int outputs() {
        return outputs;
    }
}
