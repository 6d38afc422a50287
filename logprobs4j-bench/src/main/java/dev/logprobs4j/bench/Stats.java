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
        return String.format("%.3f / %.3f / %.3f %s", min, median, max, unit);
    }
}
