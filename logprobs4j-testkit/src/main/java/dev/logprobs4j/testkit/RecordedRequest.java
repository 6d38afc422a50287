package dev.logprobs4j.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request the {@link ReplayServer} received: immutable.
 *
 * @param method  the HTTP method ({@code POST}, ...)
 * @param path    the path, without the query
 * @param query   the raw query string (without {@code ?}), or {@code null} when there was none
 * @param headers request headers by lower-case name, in the order received
 * @param body    the request body as received
 * @param atNanos when it arrived ({@link System#nanoTime()}), to measure waits between retries
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers,
                              byte[] body, long atNanos) {

    public RecordedRequest {
        TreeMap<String, List<String>> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(lower);
        body = body.clone();
    }

    /** The path and, when there was one, {@code ?} and the query: the request target as sent. */
    public String uri() {
        return query == null ? path : path + "?" + query;
    }

    /** The first value of a header (any case), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The decoded value of a query parameter, or {@code null}. */
    public String queryParam(String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
