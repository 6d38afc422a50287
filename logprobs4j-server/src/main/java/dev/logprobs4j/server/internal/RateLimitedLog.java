package dev.logprobs4j.server.internal;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One-line warnings at most once per interval; the lines dropped in between are counted and
 * reported with the next one. A flood of hostile connections so costs a few log lines, not
 * megabytes of stack traces. Thread-safe.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private long last = Long.MIN_VALUE;
    private long dropped;

    public RateLimitedLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    /** Logs {@code line} (no stack trace) unless a line was logged within the interval. */
    public void warn(String line) {
        warn(line, null);
    }

    /** Like {@link #warn(String)}, with a stack trace: for failures that are the server's fault. */
    public void warn(String line, Throwable cause) {
        long now = System.nanoTime();
        long skipped;
        synchronized (this) {
            if (last != Long.MIN_VALUE && now - last < intervalNanos) {
                dropped++;
                return;
            }
            last = now;
            skipped = dropped;
            dropped = 0;
        }
        String text = skipped == 0 ? line : line + " (and " + skipped + " similar since the last such line)";
        if (cause == null) {
            log.warning(text);
        } else {
            log.log(Level.WARNING, text, cause);
        }
    }
}
