package dev.logprobs4j.local.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Stop strings matched on the generated UTF-8 bytes, so that a stop string split over several
 * tokens (or inside one) is found. Immutable.
 */
final class Stops {

    private final byte[][] stops;
    private final int longest;

    Stops(List<String> stopStrings) {
        stops = new byte[stopStrings.size()][];
        int max = 0;
        for (int i = 0; i < stops.length; i++) {
            stops[i] = stopStrings.get(i).getBytes(StandardCharsets.UTF_8);
            max = Math.max(max, stops[i].length);
        }
        longest = max;
    }

    boolean isEmpty() {
        return stops.length == 0;
    }

    /** The earliest position at or after {@code from - longest} where a stop string starts in {@code text[0, length)}, or -1. */
    int find(byte[] text, int length, int from) {
        int best = -1;
        int start = Math.max(0, from - longest);
        for (byte[] stop : stops) {
            outer:
            for (int p = start; p + stop.length <= length; p++) {
                if (best >= 0 && p >= best) {
                    break;
                }
                for (int k = 0; k < stop.length; k++) {
                    if (text[p + k] != stop[k]) {
                        continue outer;
                    }
                }
                best = p;
                break;
            }
        }
        return best;
    }

    /** Length of the longest suffix of {@code text[0, length)} that begins some stop string (bytes to hold back). */
    int partialSuffix(byte[] text, int length) {
        int best = 0;
        for (byte[] stop : stops) {
            for (int n = Math.min(stop.length - 1, length); n > best; n--) {
                boolean match = true;
                for (int k = 0; k < n; k++) {
                    if (text[length - n + k] != stop[k]) {
                        match = false;
                        break;
                    }
                }
                if (match) {
                    best = n;
                    break;
                }
            }
        }
        return best;
    }
}
