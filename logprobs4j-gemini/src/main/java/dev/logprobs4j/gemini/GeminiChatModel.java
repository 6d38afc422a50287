package dev.logprobs4j.gemini;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.gemini.internal.GeminiMapper;
import dev.logprobs4j.gemini.internal.GeminiWire;
import dev.logprobs4j.gemini.internal.SseChunkSource;
import dev.logprobs4j.http.HttpModelBuilder;
import dev.logprobs4j.http.HttpSettings;
import dev.logprobs4j.http.internal.HttpModelCore;
import dev.logprobs4j.http.internal.Transport;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
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
public final class GeminiChatModel extends AbstractChatModel {

    /** What Gemini models with logprobs return: up to 20 alternatives, streamed too; no prompt logprobs. */
    public static final Capabilities CAPABILITIES = new Capabilities(true, 20, true, false);

    private final HttpModelCore core;
    private final Vertex vertex; // null for Google AI
    private final boolean apiKeyInQuery;

    /** Vertex AI's project, location and OAuth token source. */
    private record Vertex(String project, String location, Supplier<String> tokenSupplier) {
    }

    private GeminiChatModel(HttpModelCore core, Vertex vertex, boolean apiKeyInQuery, ChatOptions bound) {
        super(bound);
        this.core = core;
        this.vertex = vertex;
        this.apiKeyInQuery = apiKeyInQuery;
    }

    /** A builder for Google AI (set {@link Builder#vertexAi} for Vertex AI). */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this model's settings (its bound options included). */
    public Builder toBuilder() {
        Builder b = new Builder().http(core.settings()).model(core.model()).capabilities(core.capabilities()).options(boundOptions()).apiKeyInQuery(apiKeyInQuery);
        return vertex == null ? b : b.vertexAi(vertex.project(), vertex.location(), vertex.tokenSupplier());
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
    public GeminiChatModel bind(ChatOptions options) {
        return (GeminiChatModel) super.bind(options);
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new GeminiChatModel(core, vertex, apiKeyInQuery, options);
    }

    @Override
    protected Executor asyncExecutor() {
        return core.executor(super.asyncExecutor());
    }

    @Override
    public String toString() {
        return core.describe(this, vertex != null ? "vertex " + vertex.project() + "/" + vertex.location() : core.auth(), boundOptions());
    }

    private Transport.Opened post(ChatRequest call, boolean stream) {
        String method = stream ? ":streamGenerateContent" : ":generateContent";
        String query = stream ? "?alt=sse" : "";
        String path;
        if (vertex != null) {
            path = "v1/projects/" + enc(vertex.project()) + "/locations/" + enc(vertex.location())
                    + "/publishers/google/models/" + enc(modelName()) + method + query;
        } else {
            path = "v1beta/models/" + enc(modelName()) + method + query;
            if (apiKeyInQuery) {
                path += (query.isEmpty() ? "?" : "&") + "key=" + URLEncoder.encode(core.settings().apiKey(), StandardCharsets.UTF_8);
            }
        }
        HttpRequest.Builder b = core.transport().request(core.resolve(path), GeminiWire.body(call.messages(), call.options()),
                stream ? "text/event-stream" : "application/json");
        if (vertex != null) {
            String token = vertex.tokenSupplier().get();
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("the Vertex AI token supplier returned no token");
            }
            b.header("Authorization", "Bearer " + token);
        }
        return core.transport().send(b.build());
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    protected AIMessage doInvoke(ChatRequest call) {
        byte[] body = core.transport().readAllBytes(post(call, false));
        return GeminiMapper.message(GeminiWire.parse(body), modelName(), call.options().wantsLogprobs(),
                new String(body, StandardCharsets.UTF_8));
    }

    @Override
    protected ChunkSource doStream(ChatRequest call) {
        core.requireSingleAnswer(call.options(), n -> "streaming several candidates is not supported; use invoke(...) with n(" + n + ")");
        return new SseChunkSource(post(call, true).body(), modelName(), call.options().wantsLogprobs());
    }

    /**
     * Builds a {@link GeminiChatModel}; not thread-safe. Defaults: base URL
     * {@code https://generativelanguage.googleapis.com} for Google AI,
     * {@code https://{location}-aiplatform.googleapis.com} for Vertex AI
     * ({@code https://aiplatform.googleapis.com} for location {@code global}); timeout 2 minutes;
     * connect timeout 10 seconds; no read timeout; 2 retries; capabilities
     * {@link GeminiChatModel#CAPABILITIES}. The API key ({@link #apiKey(String)}) is sent as
     * {@code x-goog-api-key}; Google AI requires one.
     */
    public static final class Builder extends HttpModelBuilder<Builder> {
        private boolean apiKeyInQuery;
        private Vertex vertex;

        private Builder() {
            super(HttpSettings.builder().timeout(Duration.ofMinutes(2)).maxRetries(2), null, CAPABILITIES);
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
            this.vertex = new Vertex(Objects.requireNonNull(project, "project"), Objects.requireNonNull(location, "location"),
                    Objects.requireNonNull(tokenSupplier, "tokenSupplier"));
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalStateException naming what is missing (model, API key or Vertex settings)
         */
        public GeminiChatModel build() {
            if (model() == null || model().isBlank()) {
                throw new IllegalStateException("model is required: GeminiChatModel.builder().model(\"gemini-2.0-flash\")");
            }
            HttpSettings http = settings(vertex == null ? "https://generativelanguage.googleapis.com"
                    : vertex.location().equals("global") ? "https://aiplatform.googleapis.com"
                    : "https://" + vertex.location() + "-aiplatform.googleapis.com");
            if (vertex == null && http.apiKey() == null) {
                throw new IllegalStateException("Google AI needs an API key: .apiKey(System.getenv(\"GEMINI_API_KEY\")),"
                        + " or use .vertexAi(project, location, tokenSupplier)");
            }
            String model = model();
            Transport.Builder transport = Transport.builder(http, (status, body, retries) -> GeminiMapper.error(status, body, model));
            if (vertex == null && !apiKeyInQuery) {
                transport.defaultHeader("x-goog-api-key", http.apiKey());
            }
            return new GeminiChatModel(new HttpModelCore(model, capabilities(), http, transport.build()), vertex, apiKeyInQuery, options());
        }
    }
}
