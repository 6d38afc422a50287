package dev.logprobs4j.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * How an HTTP provider model reaches its server: base URL, API key, extra headers, timeouts,
 * retries, and optionally the HTTP client and executor to use. Immutable and thread-safe (the
 * client and executor are shared, not copied). Every provider module's builder holds one and
 * takes the same setters ({@link HttpModelBuilder}); how the key is sent (a bearer token, an
 * {@code x-api-key} header, ...) is the provider's business.
 *
 * {@snippet :
 * HttpSettings http = HttpSettings.builder()
 *         .baseUrl("http://localhost:8080/v1")
 *         .timeout(Duration.ofSeconds(30))
 *         .maxRetries(0)
 *         .build();
 * }
 *
 * @param baseUrl        the server's address, an absolute {@code http://} or {@code https://} URL without trailing slash
 * @param apiKey         the secret, or null for none; never part of {@link #toString()} or error messages
 * @param headers        headers sent with every request, in the order given (unmodifiable)
 * @param connectTimeout how long to wait for a connection, with the default HTTP client
 * @param timeout        how long each attempt waits for the answer's status and headers
 * @param readTimeout    the longest silence allowed while reading a body, or null for none
 * @param maxRetries     how many times a failed request is tried again (connection failures, 408, 409, 429, 5xx)
 * @param httpClient     the HTTP client to use, or null for one built from these settings
 * @param executor       runs the default client's work and the async calls, or null for the defaults
 */
public record HttpSettings(String baseUrl, String apiKey, Map<String, String> headers, Duration connectTimeout,
                           Duration timeout, Duration readTimeout, int maxRetries, HttpClient httpClient, Executor executor) {

    /** Validates every field; the base URL loses its trailing slashes and a blank key becomes null. */
    public HttpSettings {
        baseUrl = checkBaseUrl(baseUrl, "http://localhost:8080");
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(headers, "headers")));
        positive(connectTimeout, "connectTimeout");
        positive(timeout, "timeout");
        if (readTimeout != null) {
            positive(readTimeout, "readTimeout");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
    }

    /** A builder with the defaults its setters state. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.baseUrl = baseUrl;
        b.apiKey = apiKey;
        b.headers.putAll(headers);
        b.connectTimeout = connectTimeout;
        b.timeout = timeout;
        b.readTimeout = readTimeout;
        b.maxRetries = maxRetries;
        b.httpClient = httpClient;
        b.executor = executor;
        return b;
    }

    /** The base URL with one trailing slash, to resolve endpoint paths against. */
    public URI baseUri() {
        return URI.create(baseUrl + "/");
    }

    /** The settings without the key: {@code apiKey=(set)} or {@code none}. */
    @Override
    public String toString() {
        return "HttpSettings[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "(set)") + ", headers=" + headers.keySet()
                + ", connectTimeout=" + connectTimeout + ", timeout=" + timeout + ", readTimeout=" + readTimeout
                + ", maxRetries=" + maxRetries + "]";
    }

    /**
     * {@code baseUrl} without trailing slashes, refused unless it is an absolute http(s) URL.
     *
     * @param example a URL to show in the message, e.g. the provider's default
     */
    static String checkBaseUrl(String baseUrl, String example) {
        if (baseUrl == null) {
            throw new IllegalArgumentException("baseUrl must be set, e.g. " + example);
        }
        String trimmed = baseUrl.replaceAll("/+$", "");
        String scheme;
        String host;
        try {
            URI u = new URI(trimmed);
            scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            host = u.getHost();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("baseUrl is not a valid URL: " + e.getMessage(), e);
        }
        if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
            throw new IllegalArgumentException("baseUrl must be an http:// or https:// URL such as " + example + ", was " + baseUrl);
        }
        return trimmed;
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }

    /** Builds {@link HttpSettings}; not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private String apiKey;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofMinutes(10);
        private Duration readTimeout;
        private int maxRetries = 2;
        private HttpClient httpClient;
        private Executor executor;

        private Builder() {
        }

        /** The server's address; trailing slashes are dropped. Required. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** The API key, or null for none. Default: none. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** A header sent with every request (replacing one of the same name given before). Default: none. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
            return this;
        }

        /** Headers sent with every request, added to those given before. Default: none. */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /** How long to wait for a connection; applies to the default HTTP client only. Default: 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            positive(connectTimeout, "connectTimeout");
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long each attempt waits for the answer's status and headers. Default: 10 min. */
        public Builder timeout(Duration timeout) {
            positive(timeout, "timeout");
            this.timeout = timeout;
            return this;
        }

        /** The longest silence allowed while reading a body before the connection is dropped, or null for none. Default: none. */
        public Builder readTimeout(Duration readTimeout) {
            if (readTimeout != null) {
                positive(readTimeout, "readTimeout");
            }
            this.readTimeout = readTimeout;
            return this;
        }

        /**
         * How many times a failed request is tried again (0 for never), as OpenAI's SDKs do it: after
         * connection failures and timeouts, 408, 409, 429 and 5xx, honouring {@code retry-after-ms},
         * {@code Retry-After} and {@code x-should-retry}; a stream never once it has begun. Default: 2.
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** The HTTP client to use (its own connect timeout and executor then apply), or null. Default: one built for the model. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** Runs the default HTTP client's work and {@code invokeAsync}/{@code streamAsync} calls, or null. Default: the JDK's and the core's. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        Builder clearHeaders() {
            headers.clear();
            return this;
        }

        /** The current base URL, or null when none was given: for providers whose default depends on other settings. */
        String baseUrl() {
            return baseUrl;
        }

        /**
         * The settings, checked; {@code example} is the URL a bad base URL's message suggests, and
         * {@code fallback} (or null) the base URL when none was set.
         */
        HttpSettings build(String example, String fallback) {
            return new HttpSettings(checkBaseUrl(baseUrl != null ? baseUrl : fallback, example), apiKey, headers, connectTimeout, timeout, readTimeout,
                    maxRetries, httpClient, executor);
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException when the base URL is missing or not an http(s) URL
         */
        public HttpSettings build() {
            return build("http://localhost:8080", null);
        }
    }
}
