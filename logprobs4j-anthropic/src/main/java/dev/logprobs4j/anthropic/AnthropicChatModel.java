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
import dev.logprobs4j.http.HttpModelBuilder;
import dev.logprobs4j.http.HttpSettings;
import dev.logprobs4j.http.internal.HttpModelCore;
import dev.logprobs4j.http.internal.JsonSupport;
import dev.logprobs4j.http.internal.Transport;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

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

    private final HttpModelCore core;
    private final AnthropicClient client;

    private AnthropicChatModel(HttpModelCore core, AnthropicClient client, ChatOptions bound) {
        super(bound);
        this.core = core;
        this.client = client;
    }

    /** A builder; {@link Builder#apiKey(String)} and {@link Builder#model(String)} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String modelName() {
        return core.model();
    }

    @Override
    public Capabilities capabilities() {
        return core.capabilities();
    }

    /** The base URL requests go to, without trailing slash. */
    public String baseUrl() {
        return core.baseUrl();
    }

    @Override
    protected Executor asyncExecutor() {
        return core.executor(super.asyncExecutor());
    }

    @Override
    public String toString() {
        return core.describe(this, core.auth(), boundOptions());
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new AnthropicChatModel(core, client, options);
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
        core.requireSingleAnswer(o, n -> "Anthropic's Messages API returns one answer per call; remove n(" + n + ") and call again for more");
    }

    /**
     * Configures an {@link AnthropicChatModel}; not thread-safe. Defaults: base URL
     * {@code https://api.anthropic.com}, timeout 5 minutes, connect timeout 10 seconds, no read
     * timeout, no retries, capabilities {@link Capabilities#NONE}. The API key
     * ({@link #apiKey(String)}, required) is sent as {@code x-api-key}.
     */
    public static final class Builder extends HttpModelBuilder<Builder> {
        private String version = API_VERSION;
        private int defaultMaxTokens = 1024;

        private Builder() {
            super(HttpSettings.builder().baseUrl("https://api.anthropic.com").timeout(Duration.ofMinutes(5)).maxRetries(0), null, Capabilities.NONE);
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

        /**
         * The model.
         *
         * @throws IllegalStateException when the API key or the model is missing
         */
        public AnthropicChatModel build() {
            HttpSettings http = settings();
            if (http.apiKey() == null) {
                throw new IllegalStateException("an Anthropic model needs apiKey(...), e.g. System.getenv(\"ANTHROPIC_API_KEY\")");
            }
            if (model() == null || model().isBlank()) {
                throw new IllegalStateException("an Anthropic model needs model(...), e.g. \"claude-sonnet-4-5\"");
            }
            // No retries unless asked for: before the shared transport there were none.
            Transport transport = Transport.builder(http, (status, body, retries) -> JsonSupport.providerError(status, body))
                    .defaultHeader("x-api-key", http.apiKey()).defaultHeader("anthropic-version", version).build();
            HttpModelCore core = new HttpModelCore(model(), capabilities(), http, transport);
            return new AnthropicChatModel(core, new AnthropicClient(http.baseUri(), transport, model(), defaultMaxTokens), options());
        }
    }
}
