package dev.logprobs4j.local.constraint;

/**
 * One generation's position in a {@link TokenGrammar}: which tokens may come next, and whether the
 * value is complete. Not thread-safe; one per generated answer.
 */
public final class Constraint {
    private final TokenGrammar grammar;
    private int cfg;

    public Constraint(TokenGrammar grammar) {
        this.grammar = grammar;
        this.cfg = grammar.start();
    }

    /** The tokens allowed next. */
    public TokenMask allowed() {
        return grammar.mask(cfg);
    }

    /**
     * Moves past a token's output bytes.
     *
     * @throws IllegalStateException if the grammar rejects them (the sampler drew a masked token: a bug)
     */
    public void accept(int token, byte[] bytes) {
        int next = grammar.advance(cfg, bytes);
        if (next < 0) {
            throw new IllegalStateException("token " + token + " is not allowed by the response format here");
        }
        cfg = next;
    }

    /** Whether the value is complete and nothing but the end may follow. */
    public boolean complete() {
        return grammar.complete(cfg);
    }

    /** Whether the output so far is a complete value (it may end here). */
    public boolean accepting() {
        return grammar.accepting(cfg);
    }
}
