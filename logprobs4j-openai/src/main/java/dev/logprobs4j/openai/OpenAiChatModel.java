package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.LabelScorer;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import dev.logprobs4j.openai.internal.ContinuationScoring;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.http.internal.RetryPolicy;
import dev.logprobs4j.http.internal.Sleeper;
import dev.logprobs4j.http.internal.Transport;
import dev.logprobs4j.openai.internal.CompletionReader;
import dev.logprobs4j.openai.internal.OpenAiChunkSource;
import dev.logprobs4j.openai.internal.OpenAiErrors;
import dev.logprobs4j.openai.internal.RequestWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * A chat model served over OpenAI's Chat Completions API: OpenAI itself, Azure OpenAI, and the
 * OpenAI-compatible servers (vLLM, llama.cpp server, LM Studio, Together, Fireworks, DeepSeek, ...).
 * Immutable and thread-safe; {@link #bind(ChatOptions)} returns a new model sharing the connection
 * pool.
 *
 * {@snippet :
 * OpenAiChatModel llm = OpenAiChatModel.builder().model("gpt-4o-mini").build(); // key from OPENAI_API_KEY
 * AIMessage msg = llm.bind(ChatOptions.builder().logprobs(true).build()).invoke("how are you today");
 * msg.logprobs().content().get(0).logprob();
 * }
 *
 * <p>Streams ({@link #stream}) ask for {@code stream_options.include_usage}, so their last chunk
 * carries the token usage and no choices. A stream holds its HTTP connection until it is read to
 * the end or closed; closing it cancels the request. Failed requests are retried the way OpenAI's
 * SDKs do it (408, 409, 429, 5xx and connection failures; {@code retry-after-ms}, {@code retry-after}
 * and {@code x-should-retry} honoured), but a stream never once it has begun.
 *
 * <p>The token limit is sent as {@code max_tokens}, which every compatible server accepts; OpenAI's
 * reasoning models need {@code max_completion_tokens} instead: see
 * {@link Builder#maxCompletionTokensField(boolean)}. The API key never appears in messages,
 * exceptions or {@link #toString()}.
 */
public final class OpenAiChatModel extends AbstractChatModel implements LabelScorer {

    /** What OpenAI's chat models return: logprobs with up to 20 alternatives, streamed too, no prompt logprobs. */
    public static final Capabilities OPENAI_CAPABILITIES = new Capabilities(true, 20, true, false);

    /**
     * What vLLM returns with {@link Builder#vllm(boolean) vllm(true)}: OpenAI's, plus prompt logprobs
     * ({@code prompt_logprobs}). vLLM's own limit on alternatives is its {@code --max-logprobs} (20 by default).
     */
    public static final Capabilities VLLM_CAPABILITIES = new Capabilities(true, 20, true, true);

    /** OpenAI's API. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    /** How the API key is sent. */
    public enum AuthStyle {
        /** {@code Authorization: Bearer KEY}: OpenAI and most compatible servers. */
        BEARER,
        /** {@code api-key: KEY}: Azure OpenAI's key header. */
        API_KEY_HEADER
    }

    private final Builder settings; // a private copy, never changed after build()
    private final Transport transport;
    private final URI endpoint;

    private OpenAiChatModel(Builder settings, Transport transport, URI endpoint, ChatOptions bound) {
        super(bound);
        this.settings = settings;
        this.transport = transport;
        this.endpoint = endpoint;
    }

    /** A builder with OpenAI's defaults; {@link Builder#model(String)} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this model's settings (not its bound options), to derive a variant. */
    public Builder toBuilder() {
        return settings.copy();
    }

    @Override
    public String modelName() {
        return settings.model;
    }

    @Override
    public Capabilities capabilities() {
        return settings.capabilities;
    }

    /** The base URL requests go to, e.g. {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return settings.baseUrl;
    }

    @Override
    public OpenAiChatModel bind(ChatOptions options) {
        return (OpenAiChatModel) super.bind(options);
    }

    @Override
    protected OpenAiChatModel withBoundOptions(ChatOptions options) {
        return new OpenAiChatModel(settings, transport, endpoint, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        byte[] body = RequestWriter.write(settings.model, request, false, settings.streamUsage, settings.maxCompletionTokensField);
        Transport.Opened opened = transport.post(endpoint, body, false);
        String raw = transport.readAll(opened);
        try {
            return CompletionReader.readCompletion(raw.getBytes(StandardCharsets.UTF_8), raw, 200);
        } catch (ProviderException e) {
            throw transport.scrub(e);
        }
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        byte[] body = RequestWriter.write(settings.model, request, true, settings.streamUsage, settings.maxCompletionTokensField);
        return new OpenAiChunkSource(transport.post(endpoint, body, true), transport);
    }

    @Override
    protected Executor asyncExecutor() {
        return settings.executor != null ? settings.executor : super.asyncExecutor();
    }

    /**
     * Each label as the start of the assistant's answer to {@code messages}. With
     * {@link Builder#vllm(boolean) vllm(true)} every label is scored exactly from vLLM's
     * {@code prompt_logprobs}: one request with the conversation and an empty assistant turn, then
     * one per label with the label as that turn ({@code continue_final_message: true,
     * add_generation_prompt: false, prompt_logprobs: 0, max_tokens: 1}); a label's tokens are those of
     * the rendered prompt after the tokens both requests share, as on the local engine. Other servers
     * give {@link LabelScores.Method#FIRST_TOKEN_LOWER_BOUND lower bounds} from the first answer
     * token's alternatives ({@link LabelScorer#firstTokenLowerBound}).
     */
    @Override
    public LabelScores classify(List<Message> messages, List<String> labels) {
        if (!settings.isVllm()) {
            return LabelScorer.firstTokenLowerBound(this, messages, labels);
        }
        ChatOptions scoring = ChatOptions.builder().maxTokens(1).temperature(0).extra("prompt_logprobs", 0)
                .extra("continue_final_message", true).extra("add_generation_prompt", false).build();
        return ContinuationScoring.score("", labels, answer -> {
            List<Message> withAnswer = new java.util.ArrayList<>(messages);
            withAnswer.add(Message.ai(answer));
            return VllmPromptLogprobs.of(invoke(withAnswer, scoring)).content();
        });
    }

    /** {@link #classify(List, List)} of one user message. */
    @Override
    public LabelScores classify(String prompt, List<String> labels) {
        return classify(List.of(Message.human(prompt)), labels);
    }

    @Override
    public String toString() {
        return "OpenAiChatModel[model=" + settings.model + ", baseUrl=" + settings.baseUrl
                + ", apiKey=" + (settings.resolvedKey == null ? "none" : "(set)") + ", boundOptions=" + boundOptions() + "]";
    }

    /**
     * Builds an {@link OpenAiChatModel}; not thread-safe. Every setting has OpenAI's default except
     * {@link #model(String)}, which must be set.
     */
    public static final class Builder {
        private String model;
        private String apiKey;
        private String baseUrl = DEFAULT_BASE_URL;
        private String organization;
        private String project;
        private AuthStyle authStyle = AuthStyle.BEARER;
        private String apiVersion;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofMinutes(10);
        private Duration readTimeout = Duration.ofMinutes(5);
        private int maxRetries = 2;
        private HttpClient httpClient;
        private Executor executor;
        private Capabilities capabilities; // null: the model's default
        private boolean vllm;
        private boolean streamUsage = true;
        private boolean maxCompletionTokensField;
        private Sleeper sleeper = Sleeper.THREAD;
        private UnaryOperator<String> env = System::getenv;
        private Clock clock = Clock.systemUTC();
        private String resolvedKey; // set by build()

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.model = model;
            b.apiKey = apiKey;
            b.baseUrl = baseUrl;
            b.organization = organization;
            b.project = project;
            b.authStyle = authStyle;
            b.apiVersion = apiVersion;
            b.headers.putAll(headers);
            b.connectTimeout = connectTimeout;
            b.timeout = timeout;
            b.readTimeout = readTimeout;
            b.maxRetries = maxRetries;
            b.httpClient = httpClient;
            b.executor = executor;
            b.capabilities = capabilities;
            b.vllm = vllm;
            b.streamUsage = streamUsage;
            b.maxCompletionTokensField = maxCompletionTokensField;
            b.sleeper = sleeper;
            b.env = env;
            b.clock = clock;
            b.resolvedKey = resolvedKey;
            return b;
        }

        /** The model's name as the server knows it, e.g. {@code gpt-4o-mini}. Required (Azure: defaults to the deployment). */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The API key. Default: the {@code OPENAI_API_KEY} environment variable ({@code AZURE_OPENAI_API_KEY} first for {@link AuthStyle#API_KEY_HEADER}); none for servers that need none. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** The API's base URL; {@code /chat/completions} is appended. Default: {@value OpenAiChatModel#DEFAULT_BASE_URL}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** Sent as the {@code OpenAI-Organization} header. Default: none. */
        public Builder organization(String organization) {
            this.organization = organization;
            return this;
        }

        /** Sent as the {@code OpenAI-Project} header. Default: none. */
        public Builder project(String project) {
            this.project = project;
            return this;
        }

        /** How the key is sent. Default: {@link AuthStyle#BEARER}. */
        public Builder authStyle(AuthStyle authStyle) {
            this.authStyle = Objects.requireNonNull(authStyle, "authStyle");
            return this;
        }

        /** Sent as the {@code api-version} query parameter (Azure OpenAI). Default: none. */
        public Builder apiVersion(String apiVersion) {
            this.apiVersion = apiVersion;
            return this;
        }

        /**
         * Azure OpenAI: base URL {@code endpoint/openai/deployments/deployment}, the key in the
         * {@code api-key} header, and {@code ?api-version=apiVersion}. The model name defaults to the
         * deployment.
         */
        public Builder azure(String endpoint, String deployment, String apiVersion) {
            String e = Objects.requireNonNull(endpoint, "endpoint").replaceAll("/+$", "");
            this.baseUrl = e + "/openai/deployments/" + URLEncoder.encode(Objects.requireNonNull(deployment, "deployment"), StandardCharsets.UTF_8);
            this.authStyle = AuthStyle.API_KEY_HEADER;
            this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
            if (model == null) {
                model = deployment;
            }
            return this;
        }

        /** An extra header sent with every request (replacing one of the same name given before). Default: none. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
            return this;
        }

        /** Extra headers sent with every request. Default: none. */
        public Builder headers(Map<String, String> headers) {
            headers.forEach(this::header);
            return this;
        }

        /** How long to wait for a connection; applies to the default HTTP client only. Default: 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** How long each attempt waits for the answer's status and headers. Default: 10 min (the SDKs' 600 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** The longest silence allowed while reading an answer's body before the connection is dropped. Default: 5 min. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = positive(readTimeout, "readTimeout");
            return this;
        }

        /** How many times a failed request is tried again (0 for never). Default: 2, as in OpenAI's SDKs. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** The HTTP client to use (its own connect timeout and executor then apply). Default: one built for this model. */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = httpClient;
            return this;
        }

        /** Runs the default HTTP client's work and {@code invokeAsync}/{@code streamAsync} calls. Default: the JDK's and the core's. */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * What the model can return, for servers that differ from OpenAI. Default: {@link #OPENAI_CAPABILITIES}
         * ({@link #VLLM_CAPABILITIES} with {@link #vllm(boolean) vllm(true)}).
         */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
            return this;
        }

        /**
         * The server is vLLM: its extras are then part of the contract. The default capabilities say
         * {@code promptLogprobs} (vLLM's {@code prompt_logprobs} request field, read back typed with
         * {@link VllmPromptLogprobs#of(AIMessage)}). Default: false.
         */
        public Builder vllm(boolean vllm) {
            this.vllm = vllm;
            return this;
        }

        /** Whether streams ask for {@code stream_options.include_usage}; turn off for servers that reject it. Default: true. */
        public Builder streamUsage(boolean streamUsage) {
            this.streamUsage = streamUsage;
            return this;
        }

        /** Send the token limit as {@code max_completion_tokens} (OpenAI's reasoning models) instead of {@code max_tokens}. Default: false. */
        public Builder maxCompletionTokensField(boolean maxCompletionTokensField) {
            this.maxCompletionTokensField = maxCompletionTokensField;
            return this;
        }

        /** Tests: replaces the wait between retries. */
        Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper);
            return this;
        }

        /** Tests: replaces the environment variables. */
        Builder env(UnaryOperator<String> env) {
            this.env = Objects.requireNonNull(env);
            return this;
        }

        /** Tests: replaces the clock that reads HTTP-date {@code retry-after} headers. */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalStateException    when the model is not set, or OpenAI or Azure is used without a key
         * @throws IllegalArgumentException when the base URL is not an http(s) URL
         */
        public OpenAiChatModel build() {
            Resolved r = resolve("/chat/completions", OPENAI_CAPABILITIES, VLLM_CAPABILITIES, "OpenAiChatModel", "gpt-4o-mini");
            return new OpenAiChatModel(r.settings(), r.transport(), r.endpoint(), ChatOptions.NONE);
        }

        /** Settings checked and completed by {@link #resolve}, the transport, and {@code baseUrl + path}. */
        record Resolved(Builder settings, Transport transport, URI endpoint) {
        }

        /**
         * Checks the settings and builds the transport for an endpoint below the base URL: what the
         * builders of all three models share.
         */
        Resolved resolve(String path, Capabilities defaults, Capabilities vllmDefaults, String type, String exampleModel) {
            if (model == null || model.isBlank()) {
                throw new IllegalStateException("model must be set, e.g. " + type + ".builder().model(\"" + exampleModel + "\")");
            }
            Builder b = copy();
            b.baseUrl = baseUrl.replaceAll("/+$", "");
            if (b.capabilities == null) {
                b.capabilities = vllm ? vllmDefaults : defaults;
            }
            URI base;
            try {
                base = new URI(b.baseUrl);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("baseUrl is not a valid URL: " + e.getMessage(), e);
            }
            String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || base.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an http:// or https:// URL such as " + DEFAULT_BASE_URL
                        + ", was " + b.baseUrl);
            }
            String key = apiKey;
            if (key == null && authStyle == AuthStyle.API_KEY_HEADER) {
                key = env.apply("AZURE_OPENAI_API_KEY");
            }
            if (key == null) {
                key = env.apply("OPENAI_API_KEY");
            }
            if (key != null && key.isBlank()) {
                key = null;
            }
            if (key == null && (authStyle == AuthStyle.API_KEY_HEADER || base.getHost().equalsIgnoreCase("api.openai.com"))) {
                throw new IllegalStateException("no API key for " + b.baseUrl + ": set the OPENAI_API_KEY environment variable"
                        + " or call apiKey(...)");
            }
            b.resolvedKey = key;
            HttpClient client = httpClient;
            if (client == null) {
                HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(connectTimeout);
                if (executor != null) {
                    hb.executor(executor);
                }
                client = hb.build();
            }
            Transport.Builder tb = Transport.builder(client, OpenAiErrors.mapper(model)).secret(key).timeout(timeout)
                    .readTimeout(readTimeout).maxRetries(maxRetries)
                    .retryPolicy(new RetryPolicy(clock, () -> ThreadLocalRandom.current().nextDouble())).sleeper(sleeper);
            if (key != null && authStyle == AuthStyle.BEARER) {
                tb.header("Authorization", "Bearer " + key);
            } else if (key != null) {
                tb.header("api-key", key);
            }
            if (organization != null) {
                tb.header("OpenAI-Organization", organization);
            }
            if (project != null) {
                tb.header("OpenAI-Project", project);
            }
            tb.header("User-Agent", "logprobs4j-openai").headers(headers); // headers() replaces any of the above with its name
            String endpoint = b.baseUrl + path
                    + (apiVersion == null ? "" : "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
            return new Resolved(b, tb.build(), URI.create(endpoint));
        }

        String model() {
            return model;
        }

        String resolvedBaseUrl() {
            return baseUrl;
        }

        Capabilities resolvedCapabilities() {
            return capabilities;
        }

        Executor executor() {
            return executor;
        }

        boolean hasKey() {
            return resolvedKey != null;
        }

        boolean isVllm() {
            return vllm;
        }

        boolean streamUsage() {
            return streamUsage;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
            }
            return d;
        }

        @Override
        public String toString() {
            return "OpenAiChatModel.Builder[model=" + model + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "unset" : "(set)") + "]";
        }
    }
}
