package dev.logprobs4j.engine;

import dev.logprobs4j.engine.internal.Forward;
import dev.logprobs4j.engine.internal.Rows;
import java.util.Objects;

/**
 * The prompts of several {@link Session}s of one {@link Model}, packed into shared forward passes
 * that keep the logits of every position: the scoring of many short texts. A pass takes up to
 * {@link #maxRows()} rows from the prompts in order (a prompt may straddle two passes), so every
 * weight matrix is read, and each panel of it decoded, once for all of them instead of once per
 * text; a text of 20 tokens alone would leave a pass mostly empty.
 *
 * <p>Each session ends up as if it had called {@link Session#prefill(int[], Session.LogitsConsumer)}
 * alone: same position, and the same KV cache and logits bit for bit while the matrix products
 * are batch-invariant (as {@link dev.logprobs4j.engine.tensor.MatMul} documents), since every other
 * step of the pass is per row. Not thread-safe: one thread runs a batch at a time, and the sessions
 * it feeds must not be used by other threads meanwhile. Buffers grow to the largest pass and are
 * reused afterwards.
 *
 * {@snippet :
 * PrefillBatch batch = model.newPrefillBatch(PrefillBatch.defaultRows(model.config()));
 * batch.prefill(new Session[] {a, b}, new int[][] {textA, textB}, 2,
 *         (sequence, index, logits, offset) -> System.out.println(sequence + " " + index));
 * }
 */
public final class PrefillBatch {
    /** Receiver of the logits after every fed token (see {@link #prefill}). */
    @FunctionalInterface
    public interface LogitsConsumer {
        /**
         * Called once per token; in index order within a sequence, sequences in any interleaving.
         *
         * @param sequence index of the session in the {@code sessions} array
         * @param index index of the token within that session's token array
         * @param logits raw next-token logits after that token; valid only during this call
         * @param offset where the {@code vocabularySize} logits start in {@code logits}
         */
        void accept(int sequence, int index, float[] logits, int offset);
    }

    /** Most logits a pass holds by default: 64 MiB of floats, so a 128k vocabulary still gets 128 rows. */
    private static final long DEFAULT_LOGIT_FLOATS = 16L << 20;

    private final Model model;
    private final Forward forward;
    private final Rows rows = new Rows();
    private final int maxRows;
    private int[] rowSequence = new int[8]; // (row) the sequence of each row of the current pass
    private int[] rowIndex = new int[8]; // (row) its token index within that sequence

    PrefillBatch(Model model, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, is " + maxRows);
        }
        this.model = model;
        this.forward = model.newForward();
        this.maxRows = maxRows;
    }

    /**
     * Rows per pass for {@code config}: 256, or fewer for a large vocabulary so that one pass's
     * logits take at most 64 MiB; never fewer than the chunk a solo
     * {@link Session#prefill(int[], Session.LogitsConsumer)} feeds at once.
     */
    public static int defaultRows(ModelConfig config) {
        long fit = DEFAULT_LOGIT_FLOATS / Math.max(1, config.vocabularySize());
        return (int) Math.clamp(fit, Forward.SCORE_CHUNK, 256);
    }

    /** Most rows (tokens of all sessions together) one forward pass takes. */
    public int maxRows() {
        return maxRows;
    }

    /** The model whose sessions this batch feeds. */
    public Model model() {
        return model;
    }

    /**
     * Feeds {@code tokens[i]} to {@code sessions[i]} for {@code i < count} and hands the logits
     * after every token to {@code consumer}. Afterwards each session's position has advanced by its
     * token count and its {@link Session#logits()} hold the logits after its last token. Nothing is
     * changed if an argument is rejected; if a pass or the consumer fails, every session is rewound
     * to where it started.
     *
     * @throws IllegalArgumentException if {@code count} is not within [1, sessions.length] or
     *     tokens is shorter, a session is null, of another model or listed twice, a token array is
     *     null or empty, or a token is outside the vocabulary
     * @throws IllegalStateException if a session's tokens do not fit in its remaining context
     */
    public void prefill(Session[] sessions, int[][] tokens, int count, LogitsConsumer consumer) {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(consumer, "consumer");
        check(sessions, tokens, count);
        int vocab = model.config().vocabularySize();
        int[] start = new int[count];
        for (int i = 0; i < count; i++) {
            start[i] = sessions[i].position();
        }
        ensureRows(maxRows);
        boolean done = false;
        try {
            // Walk the prompts in order, cutting a pass whenever it holds maxRows rows.
            int seq = 0;
            int next = 0; // next token of sessions[seq]
            while (seq < count) {
                rows.clear();
                int n = 0;
                while (n < maxRows && seq < count) {
                    Session s = sessions[seq];
                    int take = Math.min(maxRows - n, tokens[seq].length - next);
                    for (int b = 0; b < take; b++) {
                        rows.add(tokens[seq][next + b], s.position() + b, s.cache(), true);
                        rowSequence[n] = seq;
                        rowIndex[n++] = next + b;
                    }
                    s.advance(take);
                    next += take;
                    if (next == tokens[seq].length) {
                        seq++;
                        next = 0;
                    }
                }
                forward.run(rows);
                rows.clear(); // drop references so that a batch kept around does not pin finished sessions
                float[] logits = forward.logits();
                for (int r = 0; r < n; r++) {
                    int i = rowSequence[r];
                    consumer.accept(i, rowIndex[r], logits, r * vocab);
                    if (rowIndex[r] == tokens[i].length - 1) {
                        System.arraycopy(logits, r * vocab, sessions[i].logits(), 0, vocab);
                    }
                }
            }
            done = true;
        } finally {
            rows.clear();
            if (!done) {
                for (int i = 0; i < count; i++) {
                    sessions[i].rewind(start[i]);
                }
            }
        }
    }

    private void check(Session[] sessions, int[][] tokens, int count) {
        if (count < 1 || count > sessions.length || count > tokens.length) {
            throw new IllegalArgumentException("count must be within [1, min(sessions.length, tokens.length)] = [1, "
                    + Math.min(sessions.length, tokens.length) + "], is " + count);
        }
        int vocab = model.config().vocabularySize();
        for (int i = 0; i < count; i++) {
            Session s = sessions[i];
            if (s == null) {
                throw new IllegalArgumentException("sessions[" + i + "] is null");
            }
            if (s.model() != model) {
                throw new IllegalArgumentException("sessions[" + i + "] belongs to another model: " + s.model());
            }
            for (int j = 0; j < i; j++) {
                if (sessions[j] == s) {
                    throw new IllegalArgumentException("sessions[" + j + "] and sessions[" + i
                            + "] are the same session: a session takes one prompt per call");
                }
            }
            int[] t = tokens[i];
            if (t == null || t.length == 0) {
                throw new IllegalArgumentException("tokens[" + i + "] must not be " + (t == null ? "null" : "empty"));
            }
            for (int k = 0; k < t.length; k++) {
                if (t[k] < 0 || t[k] >= vocab) {
                    throw new IllegalArgumentException("tokens[" + i + "][" + k + "] = " + t[k] + " is not in the vocabulary [0, "
                            + vocab + ")");
                }
            }
            if (t.length > s.contextLength() - s.position()) {
                throw new IllegalStateException("context full: tokens[" + i + "] has " + t.length + " tokens, which do not fit at position "
                        + s.position() + " of sessions[" + i + "] in a context of " + s.contextLength()
                        + "; start a session with a larger contextLength or rewind");
            }
        }
    }

    private void ensureRows(int n) {
        if (rowSequence.length < n) {
            rowSequence = new int[n];
            rowIndex = new int[n];
        }
    }
}
