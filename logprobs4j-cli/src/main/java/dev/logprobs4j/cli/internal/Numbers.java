package dev.logprobs4j.cli.internal;

import java.util.Locale;

/** Number formats shared by the table, the summary and the HTML report: stateless, thread-safe, locale-independent. */
public final class Numbers {

    private Numbers() {
    }

    /** A probability (0..1) as a percentage with one decimal: {@code 12.3%}, {@code <0.1%} for tiny non-zero values. */
    public static String percent(double p) {
        if (Double.isNaN(p)) {
            return "?";
        }
        if (p > 0 && p < 0.0005) {
            return "<0.1%";
        }
        return String.format(Locale.ROOT, "%.1f%%", p * 100);
    }

    /** A logprob with four decimals; {@code -9999} (OpenAI's "too unlikely" marker) as {@code n/a}. */
    public static String logprob(double logprob) {
        if (logprob <= -9999.0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.4f", logprob);
    }

    /** A perplexity or other positive statistic with four significant decimals; NaN as {@code n/a}. */
    public static String stat(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }

    /** {@code value} with {@code decimals} decimals and a dot, whatever the locale (for SVG coordinates). */
    public static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
