package dev.logprobs4j.cli.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The progress of a batch run: rows done of the total, rows/s, tokens/s and an ETA, redrawn on a
 * terminal's stderr at most every 200 ms ({@code [████░░░░] 120/203 rows  4.1 rows/s  530 tok/s
 * ETA 0:20}). Thread-safe.
 */
final class BatchProgress {

    private static final int WIDTH = 24;

    private final PrintStream err; // null: draw nothing
    private final int total;
    private final long startNanos = System.nanoTime();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final int skipped;
    private long lastDraw;

    BatchProgress(PrintStream err, int total, int skipped) {
        this.err = err;
        this.total = total;
        this.skipped = skipped;
    }

    /** Counts one finished row that took {@code rowTokens} tokens. */
    void row(long rowTokens) {
        rows.incrementAndGet();
        tokens.addAndGet(rowTokens);
        if (err == null) {
            return;
        }
        synchronized (this) {
            long now = System.nanoTime();
            if (now - lastDraw > 200_000_000L || rows.get() == total) {
                lastDraw = now;
                err.print("\r\033[2K" + line());
                err.flush();
            }
        }
    }

    long rows() {
        return rows.get();
    }

    long tokens() {
        return tokens.get();
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The bar's text now. */
    synchronized String line() {
        long done = rows.get();
        double s = Math.max(seconds(), 1e-9);
        double rate = done / s;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * done / total);
        String eta = rate > 0 ? clock((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "[%s%s] %d/%d rows  %.1f rows/s  %.0f tok/s  ETA %s", "█".repeat(filled),
                "░".repeat(WIDTH - filled), done, total, rate, tokens.get() / s, eta);
    }

    /** The closing summary line. */
    String summary() {
        double s = Math.max(seconds(), 1e-9);
        return String.format(Locale.ROOT, "%d rows (%d done before) in %.1f s: %.2f rows/s, %.0f tokens/s",
                rows.get(), skipped, s, rows.get() / s, tokens.get() / s);
    }

    void finish() {
        if (err != null) {
            err.print("\r\033[2K");
            err.flush();
        }
    }

    static String clock(double seconds) {
        long t = Math.round(seconds);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
