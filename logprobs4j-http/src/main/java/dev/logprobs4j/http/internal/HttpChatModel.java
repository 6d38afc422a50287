package dev.logprobs4j.http.internal;

import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.UnsupportedCapabilityException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * The skeleton every HTTP provider's chat model shares: the settings of its {@link Builder} (base
 * URL, model, timeout, HTTP client, headers, retries, capabilities, bound options), the model name and
 * capabilities read from them, and a {@code toString} that never shows a key. Immutable and
 * thread-safe when the subclass is; providers extend it and add their wire.
 */
public abstract class HttpChatModel extends AbstractChatModel {

    private final Builder<?> settings;

    /**
     * A model with these settings (the subclass's own copy, never changed afterwards) and bound options.
     */
    protected HttpChatModel(Builder<?> settings, ChatOptions bound) {
        super(bound);
        this.settings = settings;
    }

    @Override
    public String modelName() {
        return settings.model;
    }

    @Override
    public Capabilities capabilities() {
        return settings.capabilities;
    }

    /** The base URL requests go to, as configured (without trailing slash when the provider trims it). */
    public String baseUrl() {
        return settings.baseUrl;
    }

    /** The base URL with one trailing slash, to resolve endpoint paths against. */
    protected final URI baseUri() {
        return URI.create(settings.trimmedBaseUrl() + "/");
    }

    /** How long one request may wait for its answer. */
    protected final Duration timeout() {
        return settings.timeout;
    }

    /** The headers sent with every request. */
    protected final Map<String, String> headers() {
        return Collections.unmodifiableMap(settings.headers);
    }

    /**
     * A transport for a server whose connect timeout is the request timeout: the builder's client
     * (or a new one), timeout, retries and headers, and this error mapper.
     */
    protected final Transport.Builder transport(Transport.ErrorMapper errors) {
        return Transport.builder(settings.clientOrDefault(settings.timeout), errors)
                .timeout(settings.timeout).maxRetries(settings.maxRetries).headers(settings.headers);
    }

    /** How the model authenticates, for {@link #toString()}: never the secret itself. Default: {@code none}. */
    protected String auth() {
        return "none";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[model=" + settings.model + ", baseUrl=" + settings.baseUrl
                + ", auth=" + auth() + ", boundOptions=" + boundOptions() + "]";
    }

    /**
     * Refuses {@code n > 1} for a server that generates one answer per call.
     *
     * @param message the exception's message, given {@code n}
     */
    protected final void requireSingleAnswer(ChatOptions options, IntFunction<String> message) {
        if (options.n() != null && options.n() > 1) {
            throw new UnsupportedCapabilityException("n", modelName(), message.apply(options.n()));
        }
    }

    /**
     * The settings shared by HTTP chat model builders, with a self type so that setters chain into
     * the provider's builder; not thread-safe. Each provider's builder chooses the defaults in its
     * constructor and says them in its class comment.
     *
     * @param <B> the provider's builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        protected String baseUrl;
        protected String model;
        protected Duration timeout;
        protected HttpClient httpClient;
        protected final Map<String, String> headers = new LinkedHashMap<>();
        protected int maxRetries;
        protected Capabilities capabilities;
        protected ChatOptions options = ChatOptions.NONE;

        /** A builder with these defaults; no model, no headers, options {@link ChatOptions#NONE}. */
        protected Builder(String baseUrl, Duration timeout, int maxRetries, Capabilities capabilities) {
            this.baseUrl = baseUrl;
            this.timeout = timeout;
            this.maxRetries = maxRetries;
            this.capabilities = capabilities;
        }

        /** This builder as its own type. */
        protected abstract B self();

        /** Copies the shared settings into {@code target}, a new builder of the same provider. */
        protected final B copyInto(B target) {
            Builder<B> t = target;
            t.baseUrl = baseUrl;
            t.model = model;
            t.timeout = timeout;
            t.httpClient = httpClient;
            t.headers.putAll(headers);
            t.maxRetries = maxRetries;
            t.capabilities = capabilities;
            t.options = options;
            return target;
        }

        /** The server's address; a trailing slash is ignored. Default: the provider's. */
        public B baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return self();
        }

        /** How long one request may wait for its answer. Default: the provider's. */
        public B timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return self();
        }

        /** The HTTP client to use; {@code null} for the default. Default: a new client made for this model. */
        public B httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return self();
        }

        /** A header sent with every request (replacing one of the same name given before). Default: none. */
        public B header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return self();
        }

        /**
         * Retries after connection failures and timeouts, 408, 409, 429 and 5xx, as OpenAI's SDKs do
         * (honouring {@code retry-after-ms}, {@code Retry-After} and {@code x-should-retry}). Default:
         * the provider's (2 for hosted APIs, 0 for local servers).
         */
        public B maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return self();
        }

        /**
         * What the model can return; calls asking for more fail before any request. Default: the
         * provider's {@code CAPABILITIES}.
         */
        public B capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
            return self();
        }

        /** Options bound to the model. Default: {@link ChatOptions#NONE}. */
        public B options(ChatOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return self();
        }

        /** The base URL without trailing slashes. */
        protected final String trimmedBaseUrl() {
            return baseUrl.replaceAll("/+$", "");
        }

        /** {@link #httpClient(HttpClient)}'s client, or a new one connecting within {@code connectTimeout}. */
        protected final HttpClient clientOrDefault(Duration connectTimeout) {
            return httpClient != null ? httpClient : HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        }
    }
}
