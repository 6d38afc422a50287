package dev.logprobs4j.cli.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for scoring a long text, drawn on a terminal's stderr with carriage
 * returns: {@code scoring [█████░░░░░]  41%  412,000/1,004,112 tokens  3,120 tok/s  ETA 3m10s}.
 * Redraws at most every 200 ms, so it costs nothing per token. Not thread-safe.
 */
public final class ScoreProgressBar {

    private static final int WIDTH = 28;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream err;
    private final LongSupplier clock;
    private long total;
    private long startNanos;
    private long lastDraw;
    private boolean drawn;

    public ScoreProgressBar(PrintStream err) {
        this(err, System::nanoTime);
    }

    ScoreProgressBar(PrintStream err, LongSupplier clock) {
        this.err = err;
        this.clock = clock;
    }

    /** Starts the clock for {@code total} tokens. */
    public void start(long total) {
        this.total = total;
        this.startNanos = clock.getAsLong();
        this.lastDraw = startNanos - REDRAW_NANOS;
    }

    /** Reports that {@code done} tokens are scored. */
    public void update(long done) {
        long now = clock.getAsLong();
        if (total <= 0 || (now - lastDraw < REDRAW_NANOS && done < total)) {
            return;
        }
        lastDraw = now;
        drawn = true;
        err.print("\r" + line(done, total, (now - startNanos) / 1e9));
        err.flush();
    }

    /** Clears the bar's line, so what follows starts on a clean line. */
    public void finish() {
        if (drawn) {
            err.print("\r\033[2K");
            err.flush();
            drawn = false;
        }
    }

    /** The bar's text for {@code done} of {@code total} tokens after {@code seconds}. */
    static String line(long done, long total, double seconds) {
        long shown = Math.min(done, total);
        int filled = (int) (WIDTH * shown / total);
        double rate = seconds > 0 ? shown / seconds : 0;
        String eta = rate > 0 ? duration((total - shown) / rate) : "?";
        return String.format(Locale.ROOT, "scoring [%s%s] %3d%%  %,d/%,d tokens  %,.0f tok/s  ETA %s", "█".repeat(filled),
                "░".repeat(WIDTH - filled), shown * 100 / total, shown, total, rate, eta);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
