package dev.logprobs4j.cli.internal;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for loading a model, drawn on a terminal's stderr with carriage returns:
 * {@code loading stories260K.gguf [██████░░░░░░]  52%  0.6/1.2 MB}. Redraws only when the shown
 * percentage changes, so fast loads cost nothing. Not thread-safe beyond one loader calling it.
 */
public final class LoadProgressBar {

    private static final int WIDTH = 28;

    private final PrintStream err;
    private final String label;
    private int shownPercent = -1;
    private boolean drawn;

    public LoadProgressBar(PrintStream err, String label) {
        this.err = err;
        this.label = label;
    }

    /** Reports that {@code done} of {@code total} bytes are loaded. */
    public void update(long done, long total) {
        if (total <= 0) {
            return;
        }
        int percent = (int) Math.min(100, Math.max(0, done * 100 / total));
        if (percent == shownPercent) {
            return;
        }
        shownPercent = percent;
        drawn = true;
        err.print("\r" + line(label, done, total));
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

    /** The bar's text for {@code done} of {@code total} bytes. */
    static String line(String label, long done, long total) {
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        return String.format(Locale.ROOT, "loading %s [%s%s] %3d%%  %.1f/%.1f MB", label, "█".repeat(filled),
                "░".repeat(WIDTH - filled), Math.min(100, done * 100 / total), done / 1e6, total / 1e6);
    }
}
