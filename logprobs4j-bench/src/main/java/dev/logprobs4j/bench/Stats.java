package dev.logprobs4j.bench;

import java.util.Arrays;

/** Min, median and max of repeated measurements: immutable. */
record Stats(double min, double median, double max) {

    static Stats of(double[] samples) {
        double[] s = samples.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return new Stats(s[0], median, s[s.length - 1]);
    }

    String format(String unit) {
        return String.format("%s / %s / %s %s", num(min), num(median), num(max), unit).trim();
    }

    /** Three significant digits at least, no more decimals than that needs. */
    static String num(double v) {
        double a = Math.abs(v);
        return a >= 100 ? String.format("%.0f", v) : a >= 10 ? String.format("%.1f", v) : a >= 1 ? String.format("%.2f", v) : String.format("%.3f", v);
    }
}
