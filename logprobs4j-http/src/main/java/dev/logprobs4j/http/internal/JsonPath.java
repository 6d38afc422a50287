package dev.logprobs4j.http.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON path a hand-written streaming parser is at, such as {@code $.logprobs[3].top_logprobs[0]},
 * kept by the parser as it descends so errors can name the place exactly. Not thread-safe; one parse.
 */
public final class JsonPath {

    private final List<String> parts = new ArrayList<>();

    /** Descends into field {@code field}. */
    public void push(String field) {
        parts.add("." + field);
    }

    /** Descends into array element {@code i}. */
    public void index(int i) {
        parts.add("[" + i + "]");
    }

    /** Goes back up one step. */
    public void pop() {
        parts.remove(parts.size() - 1);
    }

    @Override
    public String toString() {
        return "$" + String.join("", parts);
    }
}
