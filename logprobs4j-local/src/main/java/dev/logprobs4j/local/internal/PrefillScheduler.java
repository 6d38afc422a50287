package dev.logprobs4j.local.internal;

import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.PrefillBatch;
import dev.logprobs4j.engine.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared scoring passes of one model's concurrent scoring calls: each call hands in a prompt
 * (a session and the tokens whose every logits it wants) and blocks; the first caller to find no
 * pass running becomes the leader, takes every prompt handed in, feeds them all in one
 * {@link PrefillBatch} (several texts per forward pass, so each weight is read once for all of them)
 * and wakes their callers. There is no extra thread: some waiting caller always leads.
 *
 * <p>Scoring calls {@linkplain #join() join} before they tokenise, and a leader waits for the
 * prompts of every joined caller, and for at least as many as the last pass took (a batch's next
 * rows join only once the last ones returned), instead of running a half-empty pass; it stops
 * waiting as soon as the prompts handed in fill a forward pass. It waits at most a quarter of the
 * last pass, within [{@value #MIN_GATHER_NANOS} ns, {@value #MAX_GATHER_MILLIS} ms] (the first
 * pass, of unknown length, the maximum); a lone sequential caller never waits. A leader takes whole
 * prompts, in order, up to one pass of rows (or the passes the first prompt needs alone) and
 * leaves the rest to the next pass: callers beyond a pass then prepare their next texts, or write
 * their answers, while the pass runs, instead of all of them waiting for one long prefill.
 * Each prompt's logits are bit-identical to a solo prefill, so what is scored beside a text never
 * changes its logprobs. The consumers run on the leader's thread while their callers wait; a
 * consumer that throws fails its own call only. Thread-safe.
 */
final class PrefillScheduler {
    /**
     * Longest a leader waits for prompts. A 1B model's pass of 64 short texts takes seconds, and
     * returning callers (a batch writing its output lines, then starting the next rows) can take tens
     * of milliseconds on a busy machine: a short cap split passes into a full one and a few stragglers.
     */
    static final long MAX_GATHER_MILLIS = 200;

    /** Shortest a leader waits for joined callers. */
    static final long MIN_GATHER_NANOS = 200_000;

    private static final class Job {
        final Session session;
        final int[] tokens;
        final Session.LogitsConsumer consumer;
        boolean done; // guarded by the scheduler's lock
        Throwable failure; // the consumer's or the pass's; set before done

        Job(Session session, int[] tokens, Session.LogitsConsumer consumer) {
            this.session = session;
            this.tokens = tokens;
            this.consumer = consumer;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Model model;
    private final int passRows; // rows of one forward pass of the shared prefill
    private PrefillBatch batch; // created by the first leader; used only by the leader
    private final List<Job> waiting = new ArrayList<>();
    private int members;
    private boolean leading;
    private long lastPassNanos;
    private int lastPrompts; // prompts the last pass took
    private long passes; // statistics, guarded by lock
    private long prompts;

    PrefillScheduler(Model model) {
        this.model = model;
        this.passRows = PrefillBatch.defaultRows(model.config());
    }

    /** Announces a scoring call that will hand in prompts; call {@link #leave()} when it ends. */
    void join() {
        lock.lock();
        try {
            members++;
        } finally {
            lock.unlock();
        }
    }

    /** Ends a membership {@link #join()} started, so that leaders stop waiting for it. */
    void leave() {
        lock.lock();
        try {
            members--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Shared prefills run so far (each of one or more forward passes). */
    long passes() {
        lock.lock();
        try {
            return passes;
        } finally {
            lock.unlock();
        }
    }

    /** Prompts fed so far: {@code prompts() / passes()} is the mean number of texts packed together. */
    long prompts() {
        lock.lock();
        try {
            return prompts;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Feeds {@code tokens} to {@code session} in the next shared prefill and hands the logits after
     * every token to {@code consumer} (on whichever thread leads), in order; returns once all were
     * given. The caller has checked the tokens against the vocabulary and the session's context.
     * An interrupt does not cut the wait short (the pass holds the session) but is kept.
     */
    void prefill(Session session, int[] tokens, Session.LogitsConsumer consumer) {
        Job job = new Job(session, tokens, consumer);
        boolean interrupted = false;
        lock.lock();
        try {
            waiting.add(job);
            changed.signalAll();
            try {
                while (!job.done) {
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
                waiting.remove(job); // leading failed before taking it: no pass will touch the session
                throw e;
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (job.failure instanceof RuntimeException e) {
            throw e;
        }
        if (job.failure instanceof Error e) {
            throw e;
        }
    }

    /** Gathers, feeds every prompt handed in and wakes their callers; called and returns with the lock held. */
    private boolean lead() {
        leading = true;
        boolean interrupted = false;
        List<Job> taken = List.of();
        try {
            // The first pass's length is unknown: wait the longest, once, rather than start half-empty.
            long max = TimeUnit.MILLISECONDS.toNanos(MAX_GATHER_MILLIS);
            long window = lastPassNanos == 0 ? max : Math.clamp(lastPassNanos / 4, MIN_GATHER_NANOS, max);
            long deadline = System.nanoTime() + window;
            // Callers that rejoin between passes (a batch's next rows) may not have joined yet: expect
            // at least as many prompts as the last pass had, so that they do not split into a solo pass
            // and the rest. A lone sequential caller (one prompt per pass) never waits.
            int expected = Math.max(members, lastPrompts);
            while (waiting.size() < expected && waitingRows() < passRows) {
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
            taken = take();
            lastPrompts = taken.size();
            passes++;
            prompts += taken.size();
            lock.unlock();
            try {
                long start = System.nanoTime();
                run(taken);
                lastPassNanos = System.nanoTime() - start;
            } finally {
                lock.lock();
            }
        } finally {
            for (Job j : taken) {
                j.done = true;
            }
            leading = false;
            changed.signalAll();
        }
        return interrupted;
    }

    /** Rows of the prompts handed in and not yet taken; called with the lock held. */
    private int waitingRows() {
        int rows = 0;
        for (Job j : waiting) {
            rows += j.tokens.length;
        }
        return rows;
    }

    /**
     * Removes and returns the prompts of the next prefill: the first one, and the next ones while
     * they fit in the passes it needs (one pass unless it is longer than a pass). Called with the
     * lock held.
     */
    private List<Job> take() {
        int limit = Math.ceilDiv(waiting.getFirst().tokens.length, passRows) * passRows;
        int rows = 0;
        int n = 0;
        while (n < waiting.size() && (n == 0 || rows + waiting.get(n).tokens.length <= limit)) {
            rows += waiting.get(n++).tokens.length;
        }
        List<Job> taken = new ArrayList<>(waiting.subList(0, n));
        waiting.subList(0, n).clear();
        return taken;
    }

    /** One shared prefill of {@code jobs}; a consumer's failure stops only its own job's callbacks. */
    private void run(List<Job> jobs) {
        int n = jobs.size();
        Session[] sessions = new Session[n];
        int[][] tokens = new int[n][];
        for (int i = 0; i < n; i++) {
            sessions[i] = jobs.get(i).session;
            tokens[i] = jobs.get(i).tokens;
        }
        try {
            if (batch == null) {
                batch = model.newPrefillBatch(PrefillBatch.defaultRows(model.config()));
            }
            batch.prefill(sessions, tokens, n, (sequence, index, logits, offset) -> {
                Job j = jobs.get(sequence);
                if (j.failure == null) {
                    try {
                        j.consumer.accept(index, logits, offset);
                    } catch (RuntimeException | Error e) {
                        j.failure = e;
                    }
                }
            });
        } catch (RuntimeException | Error e) {
            // The pass itself failed (out of memory, a bug): every caller of it fails with the cause.
            for (Job j : jobs) {
                if (j.failure == null) {
                    j.failure = e instanceof Error ? new IllegalStateException("the shared scoring pass failed: " + e, e) : e;
                }
            }
        }
    }
}
