package dev.logprobs4j.server.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control for generations: at most {@code maxConcurrent} run at once, at most
 * {@code queueCapacity} wait for a slot (first come, first served), and the rest are refused at once,
 * so a flood of requests costs a counter, never memory. Thread-safe.
 */
public final class Admission {

    private final Semaphore running;
    private final int queueCapacity;
    private final AtomicInteger waiting = new AtomicInteger();

    public Admission(int maxConcurrent, int queueCapacity) {
        this.running = new Semaphore(maxConcurrent, true);
        this.queueCapacity = queueCapacity;
    }

    /**
     * Waits for a slot for at most {@code timeoutNanos}; the caller must {@link #leave()} after.
     *
     * @throws ApiException 429 when the queue is full, 503 when no slot freed up in time
     */
    public void enter(long timeoutNanos) {
        // tryAcquire with a timeout honours fairness: a newcomer never overtakes a queued request.
        if (waiting.incrementAndGet() > queueCapacity && running.availablePermits() == 0) {
            waiting.decrementAndGet();
            throw new ApiException(429, "requests", null, "rate_limit_exceeded",
                    "The server is busy: all generation slots and queue places are taken. Retry after a moment.", "1");
        }
        try {
            if (!running.tryAcquire(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
                throw overloaded();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw overloaded();
        } finally {
            waiting.decrementAndGet();
        }
    }

    private static ApiException overloaded() {
        return new ApiException(503, "server_error", null, "overloaded",
                "The server is overloaded: no generation slot became free within the request timeout. Retry later.", "2");
    }

    /** Frees the slot taken by {@link #enter(long)}. */
    public void leave() {
        running.release();
    }

    /** Requests waiting for a slot now. */
    public int waiting() {
        return waiting.get();
    }
}
