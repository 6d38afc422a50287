package dev.logprobs4j.server.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Browser safety for a server without an API key: a request whose {@code Host} is not an address
 * of this server (DNS rebinding: a page on evil.example resolving its own name to 127.0.0.1) or
 * whose {@code Origin} is a web page other than the server itself (a cross-site POST) is refused
 * with 403, as Ollama does with {@code OLLAMA_ORIGINS}. Non-browser clients send no {@code Origin}
 * and the host they connect to, so they pass. Immutable and thread-safe.
 */
public final class HostCheck {

    private final Set<String> hosts;   // lower-case host names without port; empty: any host
    private final Set<String> origins; // lower-case origins allowed besides the server's own; "*": any

    /**
     * @param hosts   host names and addresses clients may use; empty allows any (the server listens
     *                on every interface and cannot know its public names)
     * @param origins web origins allowed to call, e.g. {@code https://app.example}; {@code *} allows any
     */
    public HostCheck(Set<String> hosts, Set<String> origins) {
        this.hosts = lower(hosts);
        this.origins = lower(origins);
    }

    private static Set<String> lower(Set<String> in) {
        return Set.copyOf(in.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    }

    /** The names of a loopback server: its address, localhost, and the other loopback spellings. */
    public static Set<String> loopbackNames(String boundHost) {
        Set<String> names = new java.util.LinkedHashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
        String h = boundHost.toLowerCase(Locale.ROOT);
        names.add(h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h);
        return names;
    }

    /**
     * @param host   the {@code Host} header (or the request URI's authority), may be null
     * @param origin the {@code Origin} header, may be null
     * @throws ApiException 403 naming the header
     */
    public void check(String host, String origin) {
        if (!hosts.isEmpty()) {
            String name = hostName(host);
            if (name == null || !hosts.contains(name)) {
                throw new ApiException(403, "invalid_request_error", null, "host_not_allowed",
                        "Host '" + host + "' is not an address of this server; use one of " + hosts
                                + " (a page that renamed the server's address is refused), or start the server with --allow-host.");
            }
        }
        if (origin != null && !origins.contains("*")) {
            String o = origin.toLowerCase(Locale.ROOT);
            String originHost = hostName(o.replaceFirst("^[a-z][a-z0-9+.-]*://", ""));
            boolean self = originHost != null && (hosts.isEmpty() ? originHost.equals(hostName(host)) : hosts.contains(originHost));
            if (!self && !origins.contains(o)) {
                throw new ApiException(403, "invalid_request_error", null, "origin_not_allowed",
                        "Requests from web page origin '" + origin + "' are not allowed; start the server with --allow-origin "
                                + origin + " to allow them.");
            }
        }
    }

    /** "host:port", "[::1]:8080", "host" to the lower-case host; null when absent. */
    static String hostName(String authority) {
        if (authority == null || authority.isBlank()) {
            return null;
        }
        String a = authority.strip().toLowerCase(Locale.ROOT);
        int slash = a.indexOf('/');
        if (slash >= 0) {
            a = a.substring(0, slash);
        }
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            return end < 0 ? a : a.substring(0, end + 1);
        }
        int colon = a.indexOf(':');
        if (colon >= 0 && a.indexOf(':', colon + 1) < 0) {
            a = a.substring(0, colon);
        }
        return a;
    }
}
