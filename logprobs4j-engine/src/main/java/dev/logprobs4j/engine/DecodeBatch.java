package dev.logprobs4j.engine;

import dev.logprobs4j.engine.internal.Forward;
import dev.logprobs4j.engine.internal.Rows;
import java.util.Objects;

/**
 * A decode step shared by several {@link Session}s of one {@link Model}: each session feeds one
 * token at its own position, and every weight matrix is read once for all of them, which is what
 * makes concurrent generations cheaper than the sum of solo ones on a memory-bound CPU.
 *
 * <p>Each session ends up as if it had called {@link Session#decode(int)} alone: same position,
 * and the same KV cache and logits up to the summation order of the matrix products for this
 * batch size (bit-for-bit the same while the kernels are batch-invariant, as they document).
 * Not thread-safe: one thread steps a batch at a time, and the sessions it steps must not be used
 * by other threads meanwhile. Buffers grow to the largest batch seen and are reused afterwards.
 *
 * {@snippet :
 * DecodeBatch batch = model.newDecodeBatch();
 * batch.decode(new Session[] {a, b}, new int[] {tokenA, tokenB});
 * float[] nextA = a.logits();
 * }
 */
public final class DecodeBatch {
    private final Model model;
    private final Forward forward;
    private final Rows rows = new Rows();

    DecodeBatch(Model model) {
        this.model = model;
        this.forward = model.newForward();
    }

    /** Steps every session in {@code sessions} with the token at the same index. */
    public void decode(Session[] sessions, int[] tokens) {
        decode(sessions, tokens, Objects.requireNonNull(sessions, "sessions").length);
    }

    /**
     * Feeds {@code tokens[i]} to {@code sessions[i]} for {@code i < count}; afterwards each session's
     * {@link Session#logits()} holds its next-token logits and its position has advanced by one.
     * Nothing is changed if an argument is rejected; if the pass itself fails, no session advances.
     *
     * @throws IllegalArgumentException if {@code count} is not within [1, sessions.length] or
     *     tokens is shorter, a session is null, of another model or listed twice, or a token is
     *     outside the vocabulary
     * @throws IllegalStateException if a session's context is full
     */
    public void decode(Session[] sessions, int[] tokens, int count) {
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(tokens, "tokens");
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
                            + "] are the same session: a session takes one token per step");
                }
            }
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("tokens[" + i + "] = " + tokens[i] + " is not in the vocabulary [0, " + vocab + ")");
            }
            if (s.position() >= s.contextLength()) {
                throw new IllegalStateException("context full: sessions[" + i + "] holds " + s.position()
                        + " tokens, its whole context; start a session with a larger contextLength or rewind");
            }
        }
        // One row per session, at its own position of its own cache: the same pass a prompt takes.
        rows.clear();
        for (int i = 0; i < count; i++) {
            rows.add(tokens[i], sessions[i].position(), sessions[i].cache(), true);
        }
        try {
            forward.run(rows);
        } finally {
            // Drop references so that a batch kept around does not pin finished sessions.
            rows.clear();
        }
        float[] logits = forward.logits();
        for (int i = 0; i < count; i++) {
            System.arraycopy(logits, i * vocab, sessions[i].logits(), 0, vocab);
            sessions[i].advance();
        }
    }

    /** The model whose sessions this batch steps. */
    public Model model() {
        return model;
    }
}
