package dev.logprobs4j.tgi;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.Message;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.tgi.internal.HttpTransport;
import dev.logprobs4j.tgi.internal.TgiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A {@link ChatModel} over Hugging Face Text Generation Inference's native API ({@code POST /generate},
 * {@code POST /generate_stream}) with token logprobs: immutable and thread-safe.
 *
 * <p><b>Prompt.</b> TGI's native API takes one {@code inputs} string. It is
 * {@link #plainPrompt(List) the messages' contents joined by newlines}, or what your
 * {@link Builder#promptRenderer(Function) renderer} makes of them (write the model's chat template
 * there). For chat models served with a template, TGI's OpenAI-compatible Messages API
 * ({@code /v1/chat/completions}, with {@code logprobs}/{@code top_logprobs}) is the other way in: use
 * logprobs4j-openai's {@code OpenAiChatModel} with TGI's address as base URL for it.
 *
 * <p><b>Logprobs.</b> Every request sends {@code details: true}; TGI then returns each token's
 * {@code logprob}, and with {@code topLogprobs(k)} ({@code top_n_tokens}) its {@code k} most likely
 * alternatives. TGI sends no bytes: {@code bytes} is the UTF-8 of the token text. Special tokens
 * ({@code special: true}, such as the end-of-sequence token) are left out of text and logprobs, as
 * TGI leaves them out of {@code generated_text}. TGI caps {@code top_n_tokens} with its
 * {@code --max-top-n-tokens} (5 by default): say your server's cap with
 * {@link Builder#maxTopNTokens(int)}.
 *
 * <p><b>Prompt logprobs.</b> With {@link Builder#promptLogprobs(boolean) promptLogprobs(true)},
 * {@code invoke} sends {@code decoder_input_details: true}; TGI's {@code details.prefill} then comes
 * back in {@code responseMetadata().get("prefill")} as a list of {@code {id, text, logprob}} (the
 * first token's logprob is null: nothing precedes it), and usage counts the prompt tokens. TGI
 * refuses it on streams, so streams do not send it. Without it TGI does not report the prompt's
 * length and usage's prompt count is 0.
 *
 * <p>{@code maxTokens} is {@code max_new_tokens}; {@code temperature(0)} becomes
 * {@code do_sample: false} (TGI wants a positive temperature); {@code topP(1)} is not sent (TGI wants
 * it below 1); {@code seed} and {@code stop} map as they are; {@code extra} options go into
 * {@code parameters}. {@code eos_token} and {@code stop_sequence} finish reasons are {@code stop}.
 *
 * {@snippet :
 * ChatModel llm = TgiChatModel.builder()
 *         .baseUrl("http://localhost:3000")
 *         .build()
 *         .bind(ChatOptions.builder().logprobs(true).topLogprobs(3).maxTokens(20).build());
 * AIMessage msg = llm.invoke("The capital of France is");
 * double first = msg.logprobs().content().get(0).logprob();
 * }
 */
public final class TgiChatModel extends AbstractChatModel {

    /** TGI's default {@code --max-top-n-tokens}. */
    public static final int DEFAULT_MAX_TOP_N_TOKENS = 5;

    private final Builder config;
    private final TgiClient client;

    private TgiChatModel(Builder config, ChatOptions bound) {
        super(bound);
        this.config = config.copy();
        HttpClient http = config.httpClient != null ? config.httpClient
                : HttpClient.newBuilder().connectTimeout(config.timeout).build();
        this.client = new TgiClient(config.baseUrl, new HttpTransport(http, config.timeout, TgiClient::error),
                config.headers, config.modelName, config.promptLogprobs);
    }

    /** A builder with the defaults below. */
    public static Builder builder() {
        return new Builder();
    }

    /** The contents of the messages joined by {@code "\n"}, roles left out: the default {@code inputs}. */
    public static String plainPrompt(List<Message> messages) {
        return messages.stream().map(Message::content).collect(Collectors.joining("\n"));
    }

    @Override
    public String modelName() {
        return config.modelName;
    }

    /**
     * Logprobs with up to {@link Builder#maxTopNTokens(int)} alternatives (5 by default), streamed
     * too, and prompt logprobs ({@code decoder_input_details}, blocking calls only); or what
     * {@link Builder#capabilities(Capabilities)} said.
     */
    @Override
    public Capabilities capabilities() {
        return config.capabilities != null ? config.capabilities
                : new Capabilities(true, config.maxTopNTokens, true, true);
    }

    @Override
    protected ChatModel withBoundOptions(ChatOptions options) {
        return new TgiChatModel(config, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        checkN(request.options());
        return client.invoke(request, config.renderer.apply(request.messages()));
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        checkN(request.options());
        return client.stream(request, config.renderer.apply(request.messages()));
    }

    private void checkN(ChatOptions o) {
        if (o.n() != null && o.n() > 1) {
            throw new UnsupportedCapabilityException("n", modelName(),
                    "TGI's /generate returns one answer per call; remove n(" + o.n() + ") and call again for more");
        }
    }

    /** Configures a {@link TgiChatModel}; not thread-safe. */
    public static final class Builder {
        private URI baseUrl = URI.create("http://localhost:3000/");
        private String modelName = "tgi";
        private Duration timeout = Duration.ofMinutes(5);
        private HttpClient httpClient;
        private Function<List<Message>, String> renderer = TgiChatModel::plainPrompt;
        private boolean promptLogprobs;
        private int maxTopNTokens = DEFAULT_MAX_TOP_N_TOKENS;
        private Capabilities capabilities;
        private ChatOptions options = ChatOptions.NONE;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder copy() {
            Builder b = new Builder();
            b.baseUrl = baseUrl;
            b.modelName = modelName;
            b.timeout = timeout;
            b.httpClient = httpClient;
            b.renderer = renderer;
            b.promptLogprobs = promptLogprobs;
            b.maxTopNTokens = maxTopNTokens;
            b.capabilities = capabilities;
            b.options = options;
            b.headers.putAll(headers);
            return b;
        }

        /** The server's address. Default: {@code http://localhost:3000}. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = URI.create(Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "") + "/");
            return this;
        }

        /** The name {@link #modelName()} and {@code model_name} report (TGI serves one model). Default: {@code tgi}. */
        public Builder modelName(String modelName) {
            this.modelName = Objects.requireNonNull(modelName, "modelName");
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

        /** A header sent with every request (e.g. {@code Authorization: Bearer hf_...} for Inference Endpoints). Default: none. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How to turn messages into {@code inputs}. Default: {@link TgiChatModel#plainPrompt(List)}. */
        public Builder promptRenderer(Function<List<Message>, String> renderer) {
            this.renderer = Objects.requireNonNull(renderer, "renderer");
            return this;
        }

        /** Ask for the prompt's logprobs ({@code decoder_input_details}) on blocking calls. Default: false. */
        public Builder promptLogprobs(boolean promptLogprobs) {
            this.promptLogprobs = promptLogprobs;
            return this;
        }

        /** Your server's {@code --max-top-n-tokens}, 0..20. Default: 5, TGI's default. */
        public Builder maxTopNTokens(int maxTopNTokens) {
            if (maxTopNTokens < 0 || maxTopNTokens > ChatOptions.MAX_TOP_LOGPROBS) {
                throw new IllegalArgumentException("maxTopNTokens must be within [0, " + ChatOptions.MAX_TOP_LOGPROBS
                        + "], was " + maxTopNTokens);
            }
            this.maxTopNTokens = maxTopNTokens;
            return this;
        }

        /** What the server can return, when it is not what TGI returns. Default: derived from {@link #maxTopNTokens(int)}. */
        public Builder capabilities(Capabilities capabilities) {
            this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
            return this;
        }

        /** Options bound to the model. Default: {@link ChatOptions#NONE}. */
        public Builder options(ChatOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The model. */
        public TgiChatModel build() {
            return new TgiChatModel(this, options);
        }
    }
}
