package dev.logprobs4j.local.internal;

import dev.logprobs4j.engine.DecodeBatch;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.Session;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared decode loop of one model's concurrent generations: each generation hands in its
 * session and next token and blocks; the first caller to find no step running becomes the leader,
 * gathers whoever else is waiting, runs one {@link DecodeBatch} step for all of them (weights read
 * once for everyone) and wakes them. There is no extra thread: some waiting caller always leads.
 *
 * <p>The leader waits until every {@linkplain #join() member} has handed in its token, or for at
 * most a quarter of the last step's duration (within [{@value #MIN_GATHER_NANOS} ns,
 * {@value #MAX_GATHER_MILLIS} ms]): members
 * sample and stream between steps, and without the wait they would drift apart into several
 * half-empty steps that each read all the weights. A member that stops pulling (a slow client)
 * thus delays the others by at most that bound per step.
 *
 * <p>Sampling stays with each generation and each session's logits are bit-identical to a solo
 * decode, so what runs beside a generation never changes its output. Thread-safe.
 */
final class DecodeScheduler {
    /** Longest a leader waits for missing members; a step of a 1B model takes ~300 ms. */
    static final long MAX_GATHER_MILLIS = 50;

    /** Shortest a leader waits for missing members. */
    static final long MIN_GATHER_NANOS = 200_000;

    /** One generation's place in the loop; reused for every step of that generation. */
    static final class Ticket {
        private Session session;
        private int token;
        private boolean done; // guarded by the scheduler's lock
        private RuntimeException failure;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final DecodeBatch batch; // used only by the leader
    private Ticket[] waiting = new Ticket[8]; // handed in, not yet taken by a step
    private int waitingCount;
    private int members;
    private boolean leading;
    private long lastStepNanos;
    private long steps; // statistics, guarded by lock
    private long rows;
    // The leader's copy of one step's work, so that no array is allocated per step.
    private Ticket[] taken = new Ticket[8];
    private Session[] sessions = new Session[8];
    private int[] tokens = new int[8];

    DecodeScheduler(Model model) {
        this.batch = model.newDecodeBatch();
    }

    /** A new ticket for a generation that is about to decode; call {@link #leave} when it ends. */
    Ticket join() {
        lock.lock();
        try {
            members++;
        } finally {
            lock.unlock();
        }
        return new Ticket();
    }

    /** Ends a generation's membership, so that leaders stop waiting for it. */
    void leave(Ticket ticket) {
        lock.lock();
        try {
            members--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Number of generations currently joined (for tests and monitoring). */
    int members() {
        lock.lock();
        try {
            return members;
        } finally {
            lock.unlock();
        }
    }

    /** Steps run so far. */
    long steps() {
        lock.lock();
        try {
            return steps;
        } finally {
            lock.unlock();
        }
    }

    /** Tokens fed by all steps so far: {@code rows() / steps()} is the mean batch size. */
    long rows() {
        lock.lock();
        try {
            return rows;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Feeds {@code token} to {@code session} in the next shared step and returns once it is done;
     * the session's {@link Session#logits()} then hold the next-token logits. An interrupt does not
     * cut the wait short (the step holds the session) but is kept for the caller.
     *
     * @throws RuntimeException what decoding this session failed with; other members are unaffected
     */
    void decode(Ticket ticket, Session session, int token) {
        boolean interrupted = false;
        lock.lock();
        try {
            ticket.session = session;
            ticket.token = token;
            ticket.done = false;
            ticket.failure = null;
            if (waitingCount == waiting.length) {
                waiting = Arrays.copyOf(waiting, waitingCount * 2);
            }
            waiting[waitingCount++] = ticket;
            changed.signalAll();
            try {
                while (!ticket.done) {
                    if (!leading) {
                        interrupted |= lead();
                    } else {
                        try {
                            changed.await();
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                // Leading failed before this ticket was taken: withdraw it so no step touches the session later.
                withdraw(ticket);
                throw e;
            }
        } finally {
            ticket.session = null;
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (ticket.failure != null) {
            throw ticket.failure;
        }
    }

    private void withdraw(Ticket ticket) {
        for (int i = 0; i < waitingCount; i++) {
            if (waiting[i] == ticket) {
                System.arraycopy(waiting, i + 1, waiting, i, waitingCount - i - 1);
                waiting[--waitingCount] = null;
                return;
            }
        }
    }

    /**
     * Gathers, runs one step for everyone waiting and wakes them; called and returns with the lock
     * held. Returns whether the gathering wait was interrupted.
     */
    private boolean lead() {
        leading = true;
        boolean interrupted = false;
        int count = 0;
        try {
            // At least a little, so that tiny models whose steps take microseconds still batch.
            long window = Math.clamp(lastStepNanos / 4, MIN_GATHER_NANOS, TimeUnit.MILLISECONDS.toNanos(MAX_GATHER_MILLIS));
            long deadline = System.nanoTime() + window;
            while (waitingCount < members) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            int n = waitingCount;
            if (taken.length < n) {
                int size = Math.max(n, 2 * taken.length);
                taken = new Ticket[size];
                sessions = new Session[size];
                tokens = new int[size];
            }
            for (int i = 0; i < n; i++) {
                taken[i] = waiting[i];
                sessions[i] = waiting[i].session;
                tokens[i] = waiting[i].token;
            }
            // Taken from here on: the finally block completes these tickets whatever happens.
            count = n;
            Arrays.fill(waiting, 0, n, null);
            waitingCount = 0;
            steps++;
            rows += count;
            lock.unlock();
            try {
                long start = System.nanoTime();
                step(count);
                lastStepNanos = System.nanoTime() - start;
            } finally {
                lock.lock();
            }
        } finally {
            for (int i = 0; i < count; i++) {
                taken[i].done = true;
                taken[i] = null;
                sessions[i] = null;
            }
            leading = false;
            changed.signalAll();
        }
        return interrupted;
    }

    /** One batched step; if it fails, each member is retried alone so that one bad request fails only itself. */
    private void step(int count) {
        try {
            batch.decode(sessions, tokens, count);
        } catch (Error fatal) {
            // E.g. out of memory: every member fails with it, rather than the leader alone.
            for (int i = 0; i < count; i++) {
                taken[i].failure = new IllegalStateException("the shared decode step failed: " + fatal, fatal);
            }
        } catch (RuntimeException batchFailure) {
            // DecodeBatch advances no session when it fails, so a solo retry starts from the same state.
            for (int i = 0; i < count; i++) {
                try {
                    sessions[i].decode(tokens[i]);
                } catch (RuntimeException e) {
                    taken[i].failure = e;
                }
            }
        }
    }
}
