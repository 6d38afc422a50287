package dev.logprobs4j.http;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The settings every HTTP provider model's builder takes: the model's name, its {@link HttpSettings}
 * (base URL, API key, headers, timeouts, retries, client, executor), its capabilities and bound
 * options. Each provider's {@code Builder} extends it, adds its own settings, chooses the defaults
 * (stated in its class comment) and builds the model; not thread-safe.
 *
 * @param <B> the provider's builder, which every setter returns
 */
public abstract class HttpModelBuilder<B extends HttpModelBuilder<B>> {

    private final String exampleBaseUrl;
    private final HttpSettings.Builder http;
    private String model;
    private Capabilities capabilities;
    private ChatOptions options = ChatOptions.NONE;

    /**
     * A builder with the provider's defaults.
     *
     * @param defaults     the provider's HTTP defaults (its base URL may be left unset when it depends on other settings)
     * @param model        the default model name, or null when the caller must give one
     * @param capabilities the default capabilities, or null when the provider derives them
     */
    protected HttpModelBuilder(HttpSettings.Builder defaults, String model, Capabilities capabilities) {
        this.http = defaults;
        this.exampleBaseUrl = defaults.baseUrl() != null ? defaults.baseUrl() : "https://example.com";
        this.model = model;
        this.capabilities = capabilities;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The model's name as the server knows it. Default: the provider's (most require one). */
    public B model(String model) {
        this.model = Objects.requireNonNull(model, "model");
        return self();
    }

    /** The server's address; trailing slashes are dropped. Default: the provider's. */
    public B baseUrl(String baseUrl) {
        http.baseUrl(baseUrl);
        return self();
    }

    /** The API key; it never appears in messages, exceptions or {@code toString()}. Default: the provider's (none for local servers). */
    public B apiKey(String apiKey) {
        http.apiKey(apiKey);
        return self();
    }

    /** A header sent with every request (replacing one of the same name, the provider's own included). Default: none. */
    public B header(String name, String value) {
        http.header(name, value);
        return self();
    }

    /** Headers sent with every request, added to those given before. Default: none. */
    public B headers(Map<String, String> headers) {
        http.headers(headers);
        return self();
    }

    /** How long to wait for a connection; applies to the default HTTP client only. Default: 10 s. */
    public B connectTimeout(Duration connectTimeout) {
        http.connectTimeout(connectTimeout);
        return self();
    }

    /** How long each attempt waits for the answer's status and headers. Default: the provider's. */
    public B timeout(Duration timeout) {
        http.timeout(timeout);
        return self();
    }

    /** The longest silence allowed while reading an answer's body before the connection is dropped, or null for none. Default: the provider's. */
    public B readTimeout(Duration readTimeout) {
        http.readTimeout(readTimeout);
        return self();
    }

    /**
     * How many times a failed request is tried again (0 for never): connection failures and
     * timeouts, 408, 409, 429 and 5xx, as OpenAI's SDKs do; a stream never once it has begun.
     * Default: the provider's (2 for hosted APIs, 0 for most local servers).
     */
    public B maxRetries(int maxRetries) {
        http.maxRetries(maxRetries);
        return self();
    }

    /** The HTTP client to use (its own connect timeout and executor then apply). Default: one built for this model. */
    public B httpClient(HttpClient httpClient) {
        http.httpClient(httpClient);
        return self();
    }

    /** Runs the default HTTP client's work and {@code invokeAsync}/{@code streamAsync} calls. Default: the JDK's and the core's. */
    public B executor(Executor executor) {
        http.executor(executor);
        return self();
    }

    /** All HTTP settings at once, replacing those given before (the API key included). */
    public B http(HttpSettings settings) {
        http.baseUrl(settings.baseUrl()).apiKey(settings.apiKey()).connectTimeout(settings.connectTimeout())
                .timeout(settings.timeout()).readTimeout(settings.readTimeout()).maxRetries(settings.maxRetries())
                .httpClient(settings.httpClient()).executor(settings.executor());
        http.clearHeaders().headers(settings.headers());
        return self();
    }

    /** What the model can return; calls asking for more fail before any request. Default: the provider's. */
    public B capabilities(Capabilities capabilities) {
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        return self();
    }

    /** Options bound to the model. Default: {@link ChatOptions#NONE}. */
    public B options(ChatOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        return self();
    }

    /** The model's name as set, or null. */
    protected final String model() {
        return model;
    }

    /** The capabilities as set, or null when the provider derives them. */
    protected final Capabilities capabilities() {
        return capabilities;
    }

    /** The bound options as set. */
    protected final ChatOptions options() {
        return options;
    }

    /** The base URL as set, or null: for providers whose default depends on other settings. */
    protected final String baseUrl() {
        return http.baseUrl();
    }

    /**
     * The HTTP settings, checked.
     *
     * @throws IllegalArgumentException when the base URL is not an http(s) URL
     */
    protected final HttpSettings settings() {
        return http.build(exampleBaseUrl, null);
    }

    /** {@link #settings()}, with {@code defaultBaseUrl} when no base URL was set (a default that depends on other settings). */
    protected final HttpSettings settings(String defaultBaseUrl) {
        return http.build(defaultBaseUrl, defaultBaseUrl);
    }
}
