package dev.logprobs4j.cli.internal;

/**
 * How much work {@code logprobs4j batch} keeps running at once: lines are admitted while their
 * weights (rows, or tokens on the local engine) add up to at most the budget, and always one when
 * nothing runs, so that a line heavier than the budget still runs, alone. Thread-safe.
 */
final class InFlight {

    /** Most rows in flight whatever their weights: each holds a thread and a session. */
    static final int MAX_ROWS = 256;

    private final int budget;
    private int used; // guarded by this
    private int rows; // guarded by this

    InFlight(int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be >= 1, is " + budget);
        }
        this.budget = budget;
    }

    /** Waits until a line of {@code weight} fits, then counts it in. */
    synchronized void acquire(int weight) throws InterruptedException {
        while (rows > 0 && (rows >= MAX_ROWS || used + weight > budget)) {
            wait();
        }
        used += weight;
        rows++;
    }

    /** Counts out a line {@link #acquire} let in. */
    synchronized void release(int weight) {
        used -= weight;
        rows--;
        notifyAll();
    }
}
