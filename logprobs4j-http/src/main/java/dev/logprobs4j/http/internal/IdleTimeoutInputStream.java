package dev.logprobs4j.http.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body that is closed when no bytes arrive for a while, so a stalled server cannot
 * block a reader forever ({@code java.net.http} has no read timeout of its own). Closing it
 * cancels the HTTP exchange. Without an idle limit it only passes bytes through. Thread-safe for
 * one reader plus the watchdog.
 */
public final class IdleTimeoutInputStream extends FilterInputStream {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "logprobs4j-http-read-timeout");
        t.setDaemon(true);
        return t;
    });

    private final long idleNanos;
    private final ScheduledFuture<?> check; // null without an idle limit
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean timedOut;
    private volatile boolean closed;

    /** @param idle the longest silence allowed, or null for none */
    public IdleTimeoutInputStream(InputStream in, Duration idle) {
        super(in);
        if (idle == null) {
            this.idleNanos = Long.MAX_VALUE;
            this.check = null;
        } else {
            this.idleNanos = idle.toNanos();
            long period = Math.max(5_000_000L, Math.min(idleNanos / 4, 1_000_000_000L));
            this.check = WATCHDOG.scheduleAtFixedRate(this::checkIdle, period, period, TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        if (!closed && System.nanoTime() - lastActivity >= idleNanos) {
            timedOut = true;
            closeQuietly();
        }
    }

    /** Whether the stream was closed because it stayed silent too long. */
    public boolean timedOut() {
        return timedOut;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        lastActivity = System.nanoTime();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        lastActivity = System.nanoTime();
        return n;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException ignored) {
            // closing is best effort; the reader sees the failure
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            if (check != null) {
                check.cancel(false);
            }
            super.close();
        }
    }
}
