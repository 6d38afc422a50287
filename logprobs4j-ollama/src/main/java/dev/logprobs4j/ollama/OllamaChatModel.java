package dev.logprobs4j.ollama;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.http.HttpModelBuilder;
import dev.logprobs4j.http.HttpSettings;
import dev.logprobs4j.http.internal.HttpModelCore;
import dev.logprobs4j.http.internal.JsonSupport;
import dev.logprobs4j.http.internal.Transport;
import dev.logprobs4j.ollama.internal.NdjsonChunkSource;
import dev.logprobs4j.ollama.internal.OllamaMapper;
import dev.logprobs4j.ollama.internal.OllamaWire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A model served by Ollama's native API ({@code /api/chat}, or {@code /api/generate} with
 * {@link Api#GENERATE}), with token logprobs: immutable and thread-safe.
 *
 * {@snippet :
 * ChatModel llm = OllamaChatModel.builder()
 *         .baseUrl("http://localhost:11434")
 *         .model("llama3.2")
 *         .build()
 *         .bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
 * AIMessage msg = llm.invoke("how are you today");
 * msg.logprobs().content().get(0).logprob();
 * }
 *
 * <p>Logprobs need Ollama 0.12.11 or newer: the request's top-level {@code logprobs} and
 * {@code top_logprobs} (at most 20) fields. An older server ignores them and answers without logprobs;
 * that answer fails with {@link UnsupportedCapabilityException} ("this Ollama server did not return
 * logprobs; they need Ollama 0.12.11 or newer") rather than giving an empty list. Ollama sends
 * {@code bytes} since 0.12.11's follow-up (PR #13068); when a server sends none, {@code bytes} are
 * the UTF-8 encoding of the token's text.
 *
 * <p>Options go where Ollama reads them: {@code temperature}, {@code seed}, {@code top_p},
 * {@code stop} and {@code maxTokens} (as {@code num_predict}) in {@code options}; {@code n > 1} is not
 * supported. {@link ChatOptions#extra()} fields are sent at the top level of the body (e.g.
 * {@code keep_alive}, {@code format}, {@code think}).
 *
 * <p>Streaming reads NDJSON: the first chunk carries no text and {@code []} logprobs (Ollama's
 * stream has no such line; it is added so every provider streams the same shape), then one chunk
 * per token (a line holding several tokens is split when its tokens spell its text), the last one
 * carrying the finish reason ({@code done_reason}) and usage ({@code prompt_eval_count},
 * {@code eval_count}). {@code done_reason}, {@code created_at}, the durations (ns) and the model's
 * {@code thinking} text are in {@code ResponseInfo.extra()}.
 */
public final class OllamaChatModel extends AbstractChatModel {

    /** Which of Ollama's endpoints to call. */
    public enum Api {
        /** {@code POST /api/chat}: a conversation of messages. */
        CHAT,
        /**
         * {@code POST /api/generate}: system messages become {@code system}, the single user message
         * becomes {@code prompt}; conversations with assistant turns are refused.
         */
        GENERATE
    }

    /** What Ollama 0.12.11+ returns: logprobs with up to 20 alternatives, streamed too; no prompt logprobs. */
    public static final Capabilities CAPABILITIES = new Capabilities(true, 20, true, false);

    private final HttpModelCore core;
    private final Api api;

    private OllamaChatModel(HttpModelCore core, Api api, ChatOptions bound) {
        super(bound);
        this.core = core;
        this.api = api;
    }

    /** A builder with Ollama's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this model's settings (its bound options included). */
    public Builder toBuilder() {
        return new Builder().http(core.settings()).model(core.model()).capabilities(core.capabilities()).options(boundOptions()).api(api);
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
    public OllamaChatModel bind(ChatOptions options) {
        return (OllamaChatModel) super.bind(options);
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new OllamaChatModel(core, api, options);
    }

    @Override
    protected Executor asyncExecutor() {
        return core.executor(super.asyncExecutor());
    }

    @Override
    public String toString() {
        return core.describe(this, core.auth(), boundOptions());
    }

    private Transport.Opened post(ChatRequest call, boolean stream) {
        core.requireSingleAnswer(call.options(), n -> "Ollama generates one answer per call; remove n(" + n + ") or make several calls");
        byte[] body = api == Api.CHAT
                ? OllamaWire.chatBody(modelName(), call.messages(), call.options(), stream)
                : OllamaWire.generateBody(modelName(), call.messages(), call.options(), stream);
        return core.transport().post(core.resolve(api == Api.CHAT ? "api/chat" : "api/generate"), body,
                stream ? "application/x-ndjson" : "application/json");
    }

    @Override
    protected AIMessage doInvoke(ChatRequest call) {
        Transport.Opened response = post(call, false);
        byte[] body = core.transport().readAllBytes(response);
        if (body.length == 0) {
            throw new MalformedResponseException("Ollama answered HTTP " + response.status() + " with an empty body", "$", null);
        }
        OllamaWire.Response r = OllamaWire.parse(body);
        return OllamaMapper.message(r, modelName(), call.options().wantsLogprobs(), new String(body, StandardCharsets.UTF_8));
    }

    @Override
    protected ChunkSource doStream(ChatRequest call) {
        return new NdjsonChunkSource(post(call, true).body(), modelName(), call.options().wantsLogprobs());
    }

    /**
     * Builds an {@link OllamaChatModel}; not thread-safe. Only {@link #model(String)} is required.
     * Defaults: base URL {@code http://localhost:11434}, timeout 10 minutes (local models can be slow
     * to load), connect timeout 10 seconds, no read timeout, 2 retries, no API key (one is sent as
     * {@code Authorization: Bearer}, for servers behind an authenticating proxy or ollama.com),
     * capabilities {@link OllamaChatModel#CAPABILITIES} (set {@link Capabilities#NONE} for a server
     * older than 0.12.11 so logprob requests fail before any call).
     */
    public static final class Builder extends HttpModelBuilder<Builder> {
        private Api api = Api.CHAT;

        private Builder() {
            super(HttpSettings.builder().baseUrl("http://localhost:11434").timeout(Duration.ofMinutes(10)).maxRetries(2), null, CAPABILITIES);
        }

        /** Which endpoint to call. Default: {@link Api#CHAT}. */
        public Builder api(Api api) {
            this.api = Objects.requireNonNull(api, "api");
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalStateException when no model name was given
         * @throws IllegalArgumentException when a setting is out of range
         */
        public OllamaChatModel build() {
            if (model() == null || model().isBlank()) {
                throw new IllegalStateException("model is required: OllamaChatModel.builder().model(\"llama3.2\")");
            }
            HttpSettings http = settings();
            // Ollama's error body is {"error": "..."}, the shape the shared reader knows.
            Transport.Builder transport = Transport.builder(http, (status, body, retries) -> JsonSupport.providerError(status, body));
            if (http.apiKey() != null) {
                transport.defaultHeader("Authorization", "Bearer " + http.apiKey());
            }
            return new OllamaChatModel(new HttpModelCore(model(), capabilities(), http, transport.build()), api, options());
        }
    }
}
