package dev.logprobs4j.gemini;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.gemini.internal.GeminiMapper;
import dev.logprobs4j.gemini.internal.GeminiWire;
import dev.logprobs4j.gemini.internal.SseChunkSource;
import dev.logprobs4j.http.internal.HttpChatModel;
import dev.logprobs4j.http.internal.Transport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A Gemini model through Google AI ({@code generativelanguage.googleapis.com/v1beta}) or Vertex AI
 * ({@code {location}-aiplatform.googleapis.com/v1/projects/.../publishers/google/models/...}), with
 * token logprobs: immutable and thread-safe.
 *
 * {@snippet :
 * ChatModel llm = GeminiChatModel.builder()
 *         .apiKey(System.getenv("GEMINI_API_KEY"))
 *         .model("gemini-2.0-flash")
 *         .build()
 *         .bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
 * AIMessage msg = llm.invoke("how are you today");
 * msg.logprobs().content().get(0).logprob();
 * }
 *
 * <p>{@code logprobs(true)} sends {@code generationConfig.responseLogprobs = true} and
 * {@code topLogprobs(k)} sends {@code generationConfig.logprobs = k} (Gemini allows 1..20).
 * {@code candidates[].logprobsResult.chosenCandidates[]} become the content tokens and
 * {@code topCandidates[i].candidates[]} their alternatives. Gemini gives no token bytes: {@code bytes}
 * are the UTF-8 encoding of each token's text. {@code avgLogprobs} (of the first candidate) is kept
 * in {@code ResponseInfo.extra()} as {@code avg_logprobs}, Gemini's own finish reason as
 * {@code gemini_finish_reason} ({@code STOP} → {@code stop}, {@code MAX_TOKENS} → {@code length},
 * safety reasons → {@code content_filter}), thought parts as {@code thinking}; {@code usageMetadata}
 * becomes {@link dev.logprobs4j.Usage}, {@code modelVersion} the model, {@code responseId} the id.
 *
 * <p>Which models return logprobs changes over time (several answer HTTP 400 "Logprobs is not
 * enabled for models/..."): that refusal becomes an {@link UnsupportedCapabilityException} carrying
 * Google's message. Options: {@code temperature}, {@code topP}, {@code seed},
 * {@code maxTokens} ({@code maxOutputTokens}), {@code stop} ({@code stopSequences}), {@code n}
 * ({@code candidateCount}); {@link ChatOptions#extra()} keys starting with
 * {@code generationConfig.} go inside {@code generationConfig} (e.g.
 * {@code generationConfig.responseMimeType}), others at the top level (e.g. {@code safetySettings}).
 *
 * <p>Streaming uses {@code streamGenerateContent?alt=sse}: the first chunk carries no text and
 * {@code []} logprobs (added; Gemini's stream has no such event), then one chunk per token (an
 * event whose tokens spell its text is split), the last carrying the finish reason and usage.
 */
public final class GeminiChatModel extends HttpChatModel {

    /** What Gemini models with logprobs return: up to 20 alternatives, streamed too; no prompt logprobs. */
    public static final Capabilities CAPABILITIES = new Capabilities(true, 20, true, false);

    private final Builder config;
    private final Transport transport;

    private GeminiChatModel(Builder config, ChatOptions bound, Transport transport) {
        super(config, bound);
        this.config = config;
        this.transport = transport;
    }

    /** A builder for Google AI (set {@link Builder#vertexAi} for Vertex AI). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this model's settings (its bound options included). */
    public Builder toBuilder() {
        return config.copy().options(boundOptions());
    }

    @Override
    public GeminiChatModel bind(ChatOptions options) {
        return (GeminiChatModel) super.bind(options);
    }

    @Override
    protected String auth() {
        return config.project != null ? "vertex " + config.project + "/" + config.location : config.apiKey == null ? "none" : "(set)";
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new GeminiChatModel(config, options, transport);
    }

    private HttpRequest request(ChatRequest call, boolean stream) {
        String method = stream ? ":streamGenerateContent" : ":generateContent";
        String query = stream ? "?alt=sse" : "";
        String url;
        if (config.project != null) {
            url = baseUrl() + "/v1/projects/" + enc(config.project) + "/locations/" + enc(config.location)
                    + "/publishers/google/models/" + enc(modelName()) + method + query;
        } else {
            url = baseUrl() + "/v1beta/models/" + enc(modelName()) + method + query;
            if (config.apiKeyInQuery) {
                url += (query.isEmpty() ? "?" : "&") + "key=" + URLEncoder.encode(config.apiKey, StandardCharsets.UTF_8);
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(GeminiWire.body(call.messages(), call.options())));
        headers().forEach(b::header);
        if (config.project != null) {
            String token = config.tokenSupplier.get();
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("the Vertex AI token supplier returned no token");
            }
            b.header("Authorization", "Bearer " + token);
        } else if (!config.apiKeyInQuery) {
            b.header("x-goog-api-key", config.apiKey);
        }
        return b.build();
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    protected AIMessage doInvoke(ChatRequest call) {
        byte[] body = transport.readAllBytes(transport.send(request(call, false)));
        return GeminiMapper.message(GeminiWire.parse(body), modelName(), call.options().wantsLogprobs(),
                new String(body, StandardCharsets.UTF_8));
    }

    @Override
    protected ChunkSource doStream(ChatRequest call) {
        requireSingleAnswer(call.options(), n -> "streaming several candidates is not supported; use invoke(...) with n(" + n + ")");
        return new SseChunkSource(transport.send(request(call, true)).body(), modelName(), call.options().wantsLogprobs());
    }

    /**
     * Builds a {@link GeminiChatModel}; not thread-safe. Defaults: base URL
     * {@code https://generativelanguage.googleapis.com} for Google AI,
     * {@code https://{location}-aiplatform.googleapis.com} for Vertex AI
     * ({@code https://aiplatform.googleapis.com} for location {@code global}); timeout 2 minutes;
     * 2 retries; capabilities {@link GeminiChatModel#CAPABILITIES}.
     */
    public static final class Builder extends HttpChatModel.Builder<Builder> {
        private String apiKey;
        private boolean apiKeyInQuery;
        private String project;
        private String location;
        private Supplier<String> tokenSupplier;
        private Duration connectTimeout = Duration.ofSeconds(10);

        private Builder() {
            super(null, Duration.ofMinutes(2), 2, CAPABILITIES);
        }

        private Builder copy() {
            Builder b = copyInto(new Builder());
            b.apiKey = apiKey;
            b.apiKeyInQuery = apiKeyInQuery;
            b.project = project;
            b.location = location;
            b.tokenSupplier = tokenSupplier;
            b.connectTimeout = connectTimeout;
            return b;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** The model, e.g. {@code gemini-2.0-flash}. Required. */
        public Builder model(String model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The Google AI API key, sent as {@code x-goog-api-key}. Required for Google AI. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** Send the API key as {@code ?key=} instead of the header (it then shows in URL logs). Default: false. */
        public Builder apiKeyInQuery(boolean apiKeyInQuery) {
            this.apiKeyInQuery = apiKeyInQuery;
            return this;
        }

        /**
         * Use Vertex AI: this project and location ({@code us-central1}, {@code global}), with an
         * OAuth access token from {@code tokenSupplier} (called once per request, e.g. from
         * {@code GoogleCredentials.refreshIfExpired()}). Default: Google AI.
         */
        public Builder vertexAi(String project, String location, Supplier<String> tokenSupplier) {
            this.project = Objects.requireNonNull(project, "project");
            this.location = Objects.requireNonNull(location, "location");
            this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "tokenSupplier");
            return this;
        }

        /** How long to wait for a connection, with the default HTTP client. Default: 10 seconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalStateException naming what is missing (model, API key or Vertex settings)
         */
        public GeminiChatModel build() {
            if (model == null || model.isBlank()) {
                throw new IllegalStateException("model is required: GeminiChatModel.builder().model(\"gemini-2.0-flash\")");
            }
            if (project == null && (apiKey == null || apiKey.isBlank())) {
                throw new IllegalStateException("Google AI needs an API key: .apiKey(System.getenv(\"GEMINI_API_KEY\")),"
                        + " or use .vertexAi(project, location, tokenSupplier)");
            }
            Builder frozen = copy();
            if (baseUrl == null) {
                frozen.baseUrl = project == null ? "https://generativelanguage.googleapis.com"
                        : location.equals("global") ? "https://aiplatform.googleapis.com"
                        : "https://" + location + "-aiplatform.googleapis.com";
            }
            frozen.baseUrl = frozen.trimmedBaseUrl();
            String model = frozen.model;
            Transport transport = Transport.builder(clientOrDefault(connectTimeout), (status, body, retries) -> GeminiMapper.error(status, body, model))
                    .maxRetries(maxRetries).secret(apiKey).build();
            return new GeminiChatModel(frozen, options, transport);
        }
    }
}
