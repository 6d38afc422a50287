package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.openai.internal.CompletionsWire;
import dev.logprobs4j.openai.internal.OpenAiChunkSource;
import dev.logprobs4j.openai.internal.Sleeper;
import dev.logprobs4j.openai.internal.Transport;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * A text model served over the legacy Completions API ({@code POST /v1/completions}) of OpenAI and
 * vLLM, with the same typed logprobs, {@code responseMetadata()} and streaming behaviour as
 * {@link OpenAiChatModel}. Its use is scoring text: with {@link Builder#echo(boolean) echo(true)}
 * the answer repeats the prompt with the logprob of every prompt token. Immutable and thread-safe.
 *
 * {@snippet :
 * OpenAiCompletionModel llm = OpenAiCompletionModel.builder().model("Qwen/Qwen2.5-1.5B")
 *         .baseUrl("http://localhost:8000/v1").vllm(true).echo(true).build();
 * AIMessage msg = llm.bind(ChatOptions.builder().logprobs(true).topLogprobs(5).maxTokens(1).build())
 *         .invoke("The step of boiling water is: ");
 * double promptScore = msg.logprobs().totalLogprob(); // the echoed prompt's tokens after the first, and the generated one
 * }
 *
 * <p>The prompt is the messages' texts joined as they are: this API applies no chat template.
 * {@code logprobs(true)} sends the legacy integer {@code logprobs: k} ({@code topLogprobs} or 0).
 * The answer's {@code tokens}, {@code token_logprobs} and {@code top_logprobs} maps become the common
 * {@link Logprobs}: bytes are the UTF-8 encoding of each token (the API sends none), alternatives
 * are ordered most likely first. With {@code echo}, the answer's text starts with the prompt and the
 * first prompt token has a {@code null} logprob (nothing precedes it): it is left out of
 * {@link AIMessage#logprobs()}, so those tokens joined are the text minus that first token.
 *
 * <p>Streams: a first chunk with logprobs {@code []} (when asked for) is handed out before the
 * server's events, as OpenAI's chat streams begin, then one chunk per event (with echo, vLLM sends
 * the whole prompt in its first event), a usage-only chunk ({@code stream_options.include_usage},
 * see {@link Builder#streamUsage(boolean)}), ending at {@code [DONE]}.
 *
 * <p>vLLM's {@code prompt_logprobs} (see {@link VllmPromptLogprobs}) work here too.
 */
public final class OpenAiCompletionModel extends AbstractChatModel {

    /** What OpenAI's legacy completions return: logprobs with up to 5 alternatives, streamed too. */
    public static final Capabilities COMPLETIONS_CAPABILITIES = new Capabilities(true, 5, true, false);

    private final OpenAiChatModel.Builder settings;
    private final Transport transport;
    private final boolean echo;

    private OpenAiCompletionModel(OpenAiChatModel.Builder settings, Transport transport, boolean echo, ChatOptions bound) {
        super(bound);
        this.settings = settings;
        this.transport = transport;
        this.echo = echo;
    }

    /** A builder with OpenAI's defaults; {@link Builder#model(String)} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String modelName() {
        return settings.model();
    }

    @Override
    public Capabilities capabilities() {
        return settings.resolvedCapabilities();
    }

    /** The base URL requests go to, e.g. {@code http://localhost:8000/v1}. */
    public String baseUrl() {
        return settings.resolvedBaseUrl();
    }

    /** Whether answers echo the prompt ({@code echo: true}). */
    public boolean echo() {
        return echo;
    }

    @Override
    public OpenAiCompletionModel bind(ChatOptions options) {
        return (OpenAiCompletionModel) super.bind(options);
    }

    @Override
    protected OpenAiCompletionModel withBoundOptions(ChatOptions options) {
        return new OpenAiCompletionModel(settings, transport, echo, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        byte[] body = CompletionsWire.write(settings.model(), request, false, settings.streamUsage(), echo);
        String raw = transport.readAll(transport.post(body, false));
        try {
            return CompletionsWire.read(raw, request.options().wantsLogprobs(), 200);
        } catch (ProviderException e) {
            throw transport.scrub(e);
        }
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        byte[] body = CompletionsWire.write(settings.model(), request, true, settings.streamUsage(), echo);
        boolean want = request.options().wantsLogprobs();
        // The legacy stream has no role chunk; the empty first chunk keeps the fold's [] start of chat streams.
        AIMessageChunk leading = want ? AIMessageChunk.of("", Logprobs.EMPTY) : null;
        return new OpenAiChunkSource(transport.post(body, true), transport, CompletionsWire.decoder(want), leading);
    }

    @Override
    protected Executor asyncExecutor() {
        return settings.executor() != null ? settings.executor() : super.asyncExecutor();
    }

    @Override
    public String toString() {
        return "OpenAiCompletionModel[model=" + settings.model() + ", baseUrl=" + settings.resolvedBaseUrl() + ", echo=" + echo
                + ", apiKey=" + (settings.hasKey() ? "(set)" : "none") + ", boundOptions=" + boundOptions() + "]";
    }

    /**
     * Builds an {@link OpenAiCompletionModel}; not thread-safe. The shared settings and their
     * defaults are {@link OpenAiChatModel.Builder}'s.
     */
    public static final class Builder {
        private final OpenAiChatModel.Builder base = OpenAiChatModel.builder();
        private boolean echo;

        private Builder() {
        }

        /** The model's name as the server knows it. Required. */
        public Builder model(String model) {
            base.model(model);
            return this;
        }

        /** The API key. Default: the {@code OPENAI_API_KEY} environment variable; none for servers that need none. */
        public Builder apiKey(String apiKey) {
            base.apiKey(apiKey);
            return this;
        }

        /** The API's base URL; {@code /completions} is appended. Default: {@value OpenAiChatModel#DEFAULT_BASE_URL}. */
        public Builder baseUrl(String baseUrl) {
            base.baseUrl(baseUrl);
            return this;
        }

        /** Sent as the {@code OpenAI-Organization} header. Default: none. */
        public Builder organization(String organization) {
            base.organization(organization);
            return this;
        }

        /** Sent as the {@code OpenAI-Project} header. Default: none. */
        public Builder project(String project) {
            base.project(project);
            return this;
        }

        /** An extra header sent with every request (replacing one of the same name given before). Default: none. */
        public Builder header(String name, String value) {
            base.header(name, value);
            return this;
        }

        /** How long to wait for a connection; applies to the default HTTP client only. Default: 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            base.connectTimeout(connectTimeout);
            return this;
        }

        /** How long each attempt waits for the answer's status and headers. Default: 10 min. */
        public Builder timeout(Duration timeout) {
            base.timeout(timeout);
            return this;
        }

        /** The longest silence allowed while reading an answer's body before the connection is dropped. Default: 5 min. */
        public Builder readTimeout(Duration readTimeout) {
            base.readTimeout(readTimeout);
            return this;
        }

        /** How many times a failed request is tried again (0 for never). Default: 2, as in OpenAI's SDKs. */
        public Builder maxRetries(int maxRetries) {
            base.maxRetries(maxRetries);
            return this;
        }

        /** The HTTP client to use. Default: one built for this model. */
        public Builder httpClient(HttpClient httpClient) {
            base.httpClient(httpClient);
            return this;
        }

        /** Runs the default HTTP client's work and the async calls. Default: the JDK's and the core's. */
        public Builder executor(Executor executor) {
            base.executor(executor);
            return this;
        }

        /** What the model can return. Default: {@link #COMPLETIONS_CAPABILITIES} ({@link OpenAiChatModel#VLLM_CAPABILITIES} with {@link #vllm(boolean) vllm(true)}). */
        public Builder capabilities(Capabilities capabilities) {
            base.capabilities(capabilities);
            return this;
        }

        /** Tests: replaces the wait between retries. */
        Builder sleeper(Sleeper sleeper) {
            base.sleeper(sleeper);
            return this;
        }

        /** Tests: replaces the environment variables. */
        Builder env(UnaryOperator<String> env) {
            base.env(env);
            return this;
        }

        /**
         * The server is vLLM: the default capabilities become {@link OpenAiChatModel#VLLM_CAPABILITIES}
         * (20 alternatives, prompt logprobs). Default: false.
         */
        public Builder vllm(boolean vllm) {
            base.vllm(vllm);
            return this;
        }

        /** Send {@code echo: true}: the answer repeats the prompt, with the prompt tokens' logprobs. Default: false. */
        public Builder echo(boolean echo) {
            this.echo = echo;
            return this;
        }

        /** Whether streams ask for {@code stream_options.include_usage}; turn off for servers that reject it. Default: true. */
        public Builder streamUsage(boolean streamUsage) {
            base.streamUsage(streamUsage);
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalStateException    when the model is not set, or OpenAI is used without a key
         * @throws IllegalArgumentException when the base URL is not an http(s) URL
         */
        public OpenAiCompletionModel build() {
            OpenAiChatModel.Builder.Resolved r = base.resolve("/completions", COMPLETIONS_CAPABILITIES,
                    OpenAiChatModel.VLLM_CAPABILITIES, "OpenAiCompletionModel", "gpt-3.5-turbo-instruct");
            return new OpenAiCompletionModel(r.settings(), r.transport(), echo, ChatOptions.NONE);
        }
    }
}
