package dev.logprobs4j.engine.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of daemon platform threads that run one row-range job at a time together with the
 * calling thread. Decode issues hundreds of small matrix-vector products per token, so workers
 * spin briefly for the next job before parking, and a job is published with one atomic write
 * instead of a queued task. Rows are handed out in chunks from an atomic cursor; each row is
 * computed whole by one thread, so results never depend on the thread count.
 *
 * <p>Thread-safe: one job runs at a time; a caller that finds the pool busy (another thread's
 * job, or a job started from inside a job) gets {@code false} from {@link #tryAcquire()} and
 * computes on its own thread.
 */
final class RowPool {

    /** Work on rows {@code [from, to)}. */
    interface RowTask {
        void run(int from, int to);
    }

    /** System property overriding the thread count (default: available processors). */
    static final String THREADS_PROPERTY = "logprobs4j.threads";

    /**
     * How long an idle worker spins before parking: longer than the gap between two products of
     * a layer in decode (norms, RoPE, attention of a short context), short enough not to burn a
     * core that other processes could use while the engine is idle.
     */
    private static final long SPIN_NANOS = 50_000;

    /** Chunks are whole multiples of this many rows, the kernels' tile height. */
    static final int GRANULE = 4;

    private static volatile RowPool shared;

    private final int threads;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** Job ticket (high 32 bits) and next unclaimed row (low 32 bits). */
    private final AtomicLong cursor = new AtomicLong();
    /** Rows finished in the current job. */
    private final AtomicInteger done = new AtomicInteger();
    private static final long CLOSED = 0xFFFF_FFFFL;

    // The current job; written before the volatile generation bump that publishes it.
    private RowTask task;
    private int rows;
    private int chunk;
    private volatile Throwable failure;
    /**
     * Job ticket: a sequence number above bit 11, the participating thread count below. One
     * volatile int, so a worker reading a new job also reads how many threads it wants.
     */
    private volatile int generation;
    private static final int PARTICIPANT_BITS = 11;

    private RowPool(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            Thread thread = new Thread(workers[i], "logprobs4j-matmul-" + (i + 1));
            thread.setDaemon(true);
            workers[i].thread = thread;
            thread.start();
        }
    }

    /** The process-wide pool, started on first use. */
    static RowPool shared() {
        RowPool pool = shared;
        if (pool == null) {
            synchronized (RowPool.class) {
                pool = shared;
                if (pool == null) {
                    shared = pool = new RowPool(defaultThreads());
                }
            }
        }
        return pool;
    }

    static int defaultThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int threads = Integer.parseInt(value.trim());
            if (threads < 1 || threads > 1024) {
                throw new NumberFormatException();
            }
            return threads;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "system property " + THREADS_PROPERTY + " must be a thread count in [1, 1024], got '" + value + "'");
        }
    }

    /** Threads a job can use, the caller included. */
    int threads() {
        return threads;
    }

    /** Claims the pool for one {@link #run}; {@code false} if it is busy. */
    boolean tryAcquire() {
        return busy.compareAndSet(false, true);
    }

    void release() {
        busy.set(false);
    }

    /**
     * Runs {@code task} over rows {@code [0, rows)} on up to {@code maxThreads} threads (the
     * caller included) and returns when all rows are done. The caller must hold the pool. The
     * caller waits only for chunks other threads have claimed, never for a worker that has not
     * woken up yet, so a descheduled worker (an oversubscribed machine) cannot stall a product.
     */
    void run(RowTask task, int rows, int maxThreads) {
        int used = Math.max(1, Math.min(maxThreads, threads));
        if (used == 1) {
            task.run(0, rows);
            return;
        }
        this.task = task;
        this.rows = rows;
        // Several chunks per thread balance a worker that starts late or is descheduled.
        this.chunk = Math.max(GRANULE, (rows / (used * 8) + GRANULE - 1) / GRANULE * GRANULE);
        this.failure = null;
        done.set(0);
        int ticket = (((generation >>> PARTICIPANT_BITS) + 1) << PARTICIPANT_BITS) | used;
        cursor.set((long) ticket << 32); // opens the job; publishes the fields above
        generation = ticket;
        for (int i = 0; i < used - 1; i++) {
            Worker worker = workers[i];
            if (worker.sleeping) {
                LockSupport.unpark(worker.thread);
            }
        }
        work(ticket);
        int spins = 0;
        while (done.get() < rows) {
            if (++spins < 1 << 16) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        // Closes the job before its fields are reused: a late claim now finds no rows.
        cursor.set(((long) ticket << 32) | CLOSED);
        this.task = null;
        Throwable thrown = failure;
        if (thrown != null) {
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            if (thrown instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(thrown);
        }
    }

    /**
     * Claims and computes chunks of job {@code ticket} until none are left. A claim is a CAS on
     * the cursor that still carries this ticket, so a chunk is never taken from a finished job,
     * and the job's fields cannot change while a claimed chunk is being computed.
     */
    private void work(int ticket) {
        while (true) {
            long c = cursor.get();
            if ((int) (c >>> 32) != ticket) {
                return;
            }
            long from = c & 0xFFFF_FFFFL;
            RowTask job = task;
            int total = rows;
            int step = chunk;
            if (from >= total) {
                return;
            }
            if (!cursor.compareAndSet(c, c + step)) {
                continue;
            }
            int to = (int) Math.min(from + step, total);
            try {
                job.run((int) from, to);
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
            } finally {
                done.addAndGet(to - (int) from);
            }
        }
    }

    private final class Worker implements Runnable {
        private final int index;
        Thread thread;
        volatile boolean sleeping;

        Worker(int index) {
            this.index = index;
        }

        @Override
        public void run() {
            // Not the current generation: the first job may be published before this thread starts.
            int seen = 0;
            while (true) {
                int current = awaitJob(seen);
                seen = current;
                if (index < (current & ((1 << PARTICIPANT_BITS) - 1))) {
                    work(current);
                }
            }
        }

        /** Spins, then parks, until the generation moves past {@code seen}. */
        private int awaitJob(int seen) {
            long spinStart = System.nanoTime();
            int spins = 0;
            while (true) {
                int current = generation;
                if (current != seen) {
                    return current;
                }
                if ((++spins & 1023) != 0 || System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                    continue;
                }
                // Dekker-style handshake with run(): it bumps generation, then reads sleeping.
                sleeping = true;
                if (generation == seen) {
                    LockSupport.park(this);
                }
                sleeping = false;
                spinStart = System.nanoTime();
                spins = 0;
            }
        }
    }
}
