package dev.logprobs4j.anthropic;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.anthropic.internal.AnthropicClient;
import dev.logprobs4j.anthropic.internal.HttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link ChatModel} over Anthropic's Messages API ({@code POST /v1/messages}): immutable and
 * thread-safe.
 *
 * <p><b>No logprobs.</b> Anthropic returns no token probabilities, so {@link #capabilities()} is
 * {@link Capabilities#NONE}: a call with {@code logprobs(true)} fails with
 * {@link UnsupportedCapabilityException} before any request is sent. Without logprobs it is an
 * ordinary chat model: {@code invoke} and {@code stream} give the text, usage
 * ({@code input_tokens}, {@code output_tokens}) and the finish reason ({@code end_turn} and
 * {@code stop_sequence} are {@code stop}, {@code max_tokens} is {@code length}, {@code tool_use} is
 * {@code tool_calls}); Anthropic's own {@code stop_reason} is in {@code responseMetadata()}.
 *
 * <p>System messages go to {@code system} (joined by a blank line); {@code maxTokens} is required by
 * Anthropic and defaults to {@link Builder#defaultMaxTokens(int)}; {@code temperature},
 * {@code topP} and {@code stop} ({@code stop_sequences}) map as they are; {@code seed} and
 * {@code n > 1} have no Anthropic counterpart and fail before any request.
 *
 * {@snippet :
 * ChatModel claude = AnthropicChatModel.builder()
 *         .apiKey(System.getenv("ANTHROPIC_API_KEY"))
 *         .model("claude-sonnet-4-5")
 *         .build();
 * AIMessage msg = claude.invoke("how are you today");
 * boolean none = claude.capabilities().logprobs(); // false: bind(logprobs(true)) calls fail fast
 * }
 */
public final class AnthropicChatModel extends AbstractChatModel {

    /** The API version this client speaks. */
    public static final String API_VERSION = "2023-06-01";

    private final Builder config;
    private final AnthropicClient client;

    private AnthropicChatModel(Builder config, ChatOptions bound) {
        super(bound);
        this.config = config.copy();
        HttpClient http = config.httpClient != null ? config.httpClient
                : HttpClient.newBuilder().connectTimeout(config.timeout).build();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-api-key", config.apiKey);
        headers.put("anthropic-version", config.version);
        this.client = new AnthropicClient(config.baseUrl, new HttpTransport(http, config.timeout, AnthropicClient::error),
                headers, config.model, config.defaultMaxTokens);
    }

    /** A builder; {@link Builder#apiKey(String)} and {@link Builder#model(String)} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String modelName() {
        return config.model;
    }

    /** {@link Capabilities#NONE}: Anthropic returns no logprobs. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.NONE;
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new AnthropicChatModel(config, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        check(request.options());
        return client.invoke(request);
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        check(request.options());
        return client.stream(request);
    }

    private void check(ChatOptions o) {
        if (o.seed() != null) {
            throw new UnsupportedCapabilityException("seed", modelName(),
                    "Anthropic's Messages API has no seed; remove seed(" + o.seed() + ")");
        }
        if (o.n() != null && o.n() > 1) {
            throw new UnsupportedCapabilityException("n", modelName(),
                    "Anthropic's Messages API returns one answer per call; remove n(" + o.n() + ") and call again for more");
        }
    }

    /** Configures an {@link AnthropicChatModel}; not thread-safe. */
    public static final class Builder {
        private URI baseUrl = URI.create("https://api.anthropic.com/");
        private String apiKey;
        private String model;
        private String version = API_VERSION;
        private int defaultMaxTokens = 1024;
        private Duration timeout = Duration.ofMinutes(5);
        private HttpClient httpClient;
        private ChatOptions options = ChatOptions.NONE;

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.baseUrl = baseUrl;
            b.apiKey = apiKey;
            b.model = model;
            b.version = version;
            b.defaultMaxTokens = defaultMaxTokens;
            b.timeout = timeout;
            b.httpClient = httpClient;
            b.options = options;
            return b;
        }

        /** The API's address. Default: {@code https://api.anthropic.com}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = URI.create(Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "") + "/");
            return this;
        }

        /** The API key, sent as {@code x-api-key}. Required; never part of messages or exceptions. */
        public Builder apiKey(String apiKey) {
            this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
            return this;
        }

        /** The model, e.g. {@code claude-sonnet-4-5}. Required. */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The {@code anthropic-version} header. Default: {@value AnthropicChatModel#API_VERSION}. */
        public Builder version(String version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** {@code max_tokens} when the call sets no {@code maxTokens} (Anthropic requires one). Default: 1024. */
        public Builder defaultMaxTokens(int defaultMaxTokens) {
            if (defaultMaxTokens < 1) {
                throw new IllegalArgumentException("defaultMaxTokens must be >= 1, was " + defaultMaxTokens);
            }
            this.defaultMaxTokens = defaultMaxTokens;
            return this;
        }

        /** How long one request may take, and the connect timeout. Default: 5 minutes. */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** The HTTP client to use. Default: a new one with {@link #timeout(Duration)} as connect timeout. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /** Options bound to the model. Default: {@link ChatOptions#NONE}. */
        public Builder options(ChatOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalStateException when the API key or the model is missing
         */
        public AnthropicChatModel build() {
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalStateException("an Anthropic model needs apiKey(...), e.g. System.getenv(\"ANTHROPIC_API_KEY\")");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalStateException("an Anthropic model needs model(...), e.g. \"claude-sonnet-4-5\"");
            }
            return new AnthropicChatModel(this, options);
        }
    }
}
