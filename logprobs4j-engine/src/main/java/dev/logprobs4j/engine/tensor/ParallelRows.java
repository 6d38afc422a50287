package dev.logprobs4j.engine.tensor;

/**
 * Runs work other than matrix products (attention over many rows, say) on the pool that
 * {@link MatMul} uses, split into index ranges. Each index is computed whole by one thread, so
 * results never depend on the thread count. Thread-safe: if the pool is busy (another thread's
 * job, or a call from inside a job) the caller computes everything itself.
 */
public final class ParallelRows {
    /** Work on indices {@code [from, to)}. */
    @FunctionalInterface
    public interface Task {
        void run(int from, int to);
    }

    private ParallelRows() {}

    /** Runs {@code task} over {@code [0, n)} on at most {@code maxThreads} threads, the caller included. */
    public static void run(int n, int maxThreads, Task task) {
        if (n <= 0) {
            return;
        }
        RowPool pool = RowPool.shared();
        if (maxThreads <= 1 || n == 1 || pool.threads() == 1 || !pool.tryAcquire()) {
            task.run(0, n);
            return;
        }
        try {
            pool.run(task::run, n, maxThreads);
        } finally {
            pool.release();
        }
    }
}
