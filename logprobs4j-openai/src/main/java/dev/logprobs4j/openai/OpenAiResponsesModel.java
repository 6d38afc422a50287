package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.openai.internal.OpenAiChunkSource;
import dev.logprobs4j.openai.internal.ResponsesWire;
import dev.logprobs4j.openai.internal.Sleeper;
import dev.logprobs4j.openai.internal.Transport;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * A chat model served over OpenAI's Responses API ({@code POST /v1/responses}), with the same typed
 * logprobs, {@code responseMetadata()} and streaming behaviour as {@link OpenAiChatModel}. Immutable
 * and thread-safe; {@link #bind(ChatOptions)} returns a new model sharing the connection pool.
 *
 * {@snippet :
 * OpenAiResponsesModel llm = OpenAiResponsesModel.builder().model("gpt-4.1-mini").build(); // key from OPENAI_API_KEY
 * AIMessage msg = llm.bind(ChatOptions.builder().logprobs(true).topLogprobs(2).build()).invoke("how are you today");
 * msg.logprobs().content().get(0).logprob();
 * }
 *
 * <p>On the wire: messages become {@code input} items in order ({@code role}/{@code content}; system
 * messages stay {@code role: "system"} items rather than {@code instructions}, so their place in the
 * conversation is kept). {@code temperature}, {@code top_p} and {@code maxTokens} (as
 * {@code max_output_tokens}) are sent when set; {@code logprobs(true)} sends BOTH
 * {@code include: ["message.output_text.logprobs"]} and {@code top_logprobs} ({@code topLogprobs}
 * or 0): the API returns logprobs only with that include. {@code n}, {@code stop} and {@code seed}
 * do not exist in this API and are refused before any request.
 *
 * <p>Answers: the text and logprobs of every {@code output_text} part, in order; {@code status}
 * {@code completed} is finish reason {@code stop}, {@code incomplete} for {@code max_output_tokens}
 * is {@code length} (other reasons as they are); {@code failed} is a {@link ProviderException};
 * {@code input_tokens}/{@code output_tokens} are the usage's prompt and completion tokens.
 *
 * <p>Streams: the first chunk comes from {@code response.created} and carries logprobs {@code []}
 * when they were asked for; each {@code response.output_text.delta} is one chunk with its text and
 * logprobs; {@code response.completed} gives the finish reason and usage and ends the stream;
 * {@code response.failed} and {@code error} events are {@link ProviderException}s. Delta logprobs
 * come without {@code bytes}; they are filled with the token text's UTF-8 encoding, which equals
 * the real bytes except for tokens that split a multi-byte character. A stream holds its connection
 * until read to the end or closed. Retries follow {@link OpenAiChatModel}'s rules.
 */
public final class OpenAiResponsesModel extends AbstractChatModel {

    /** What OpenAI's models return through the Responses API: logprobs with up to 20 alternatives, streamed too. */
    public static final Capabilities RESPONSES_CAPABILITIES = new Capabilities(true, 20, true, false);

    private final OpenAiChatModel.Builder settings;
    private final Transport transport;

    private OpenAiResponsesModel(OpenAiChatModel.Builder settings, Transport transport, ChatOptions bound) {
        super(bound);
        this.settings = settings;
        this.transport = transport;
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

    /** The base URL requests go to, e.g. {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return settings.resolvedBaseUrl();
    }

    @Override
    public OpenAiResponsesModel bind(ChatOptions options) {
        return (OpenAiResponsesModel) super.bind(options);
    }

    @Override
    protected OpenAiResponsesModel withBoundOptions(ChatOptions options) {
        return new OpenAiResponsesModel(settings, transport, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        byte[] body = ResponsesWire.write(settings.model(), request, false);
        String raw = transport.readAll(transport.post(body, false));
        try {
            return ResponsesWire.readResponse(raw, request.options().wantsLogprobs(), 200);
        } catch (ProviderException e) {
            throw transport.scrub(e);
        }
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        byte[] body = ResponsesWire.write(settings.model(), request, true);
        boolean want = request.options().wantsLogprobs();
        return new OpenAiChunkSource(transport.post(body, true), transport, new ResponsesWire.StreamDecoder(want), null);
    }

    @Override
    protected Executor asyncExecutor() {
        return settings.executor() != null ? settings.executor() : super.asyncExecutor();
    }

    @Override
    public String toString() {
        return "OpenAiResponsesModel[model=" + settings.model() + ", baseUrl=" + settings.resolvedBaseUrl()
                + ", apiKey=" + (settings.hasKey() ? "(set)" : "none") + ", boundOptions=" + boundOptions() + "]";
    }

    /**
     * Builds an {@link OpenAiResponsesModel}; not thread-safe. The settings and their defaults are
     * {@link OpenAiChatModel.Builder}'s.
     */
    public static final class Builder {
        private final OpenAiChatModel.Builder base = OpenAiChatModel.builder();

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

        /** The API's base URL; {@code /responses} is appended. Default: {@value OpenAiChatModel#DEFAULT_BASE_URL}. */
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

        /** What the model can return. Default: {@link #RESPONSES_CAPABILITIES}. */
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
         * The model.
         *
         * @throws IllegalStateException    when the model is not set, or OpenAI is used without a key
         * @throws IllegalArgumentException when the base URL is not an http(s) URL
         */
        public OpenAiResponsesModel build() {
            OpenAiChatModel.Builder.Resolved r = base.resolve("/responses", RESPONSES_CAPABILITIES, RESPONSES_CAPABILITIES,
                    "OpenAiResponsesModel", "gpt-4.1-mini");
            return new OpenAiResponsesModel(r.settings(), r.transport(), ChatOptions.NONE);
        }
    }
}
