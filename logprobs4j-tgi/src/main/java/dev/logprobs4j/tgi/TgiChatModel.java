package dev.logprobs4j.tgi;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.Message;
import dev.logprobs4j.http.HttpModelBuilder;
import dev.logprobs4j.http.HttpSettings;
import dev.logprobs4j.http.internal.HttpModelCore;
import dev.logprobs4j.http.internal.JsonSupport;
import dev.logprobs4j.http.internal.Transport;
import dev.logprobs4j.tgi.internal.TgiClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
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

    private final HttpModelCore core;
    private final TgiClient client;
    private final Function<List<Message>, String> renderer;

    private TgiChatModel(HttpModelCore core, TgiClient client, Function<List<Message>, String> renderer, ChatOptions bound) {
        super(bound);
        this.core = core;
        this.client = client;
        this.renderer = renderer;
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
        return core.model();
    }

    /**
     * Logprobs with up to {@link Builder#maxTopNTokens(int)} alternatives (5 by default), streamed
     * too, and prompt logprobs ({@code decoder_input_details}, blocking calls only); or what
     * {@link Builder#capabilities(Capabilities)} said.
     */
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
        return new TgiChatModel(core, client, renderer, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        checkN(request.options());
        return client.invoke(request, renderer.apply(request.messages()));
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        checkN(request.options());
        return client.stream(request, renderer.apply(request.messages()));
    }

    private void checkN(ChatOptions o) {
        core.requireSingleAnswer(o, n -> "TGI's /generate returns one answer per call; remove n(" + n + ") and call again for more");
    }

    /**
     * Configures a {@link TgiChatModel}; not thread-safe. Defaults: base URL
     * {@code http://localhost:3000}, model name {@code tgi}, timeout 5 minutes, connect timeout
     * 10 seconds, no read timeout, no retries (TGI's router queues and retries itself), no API key
     * (one is sent as {@code Authorization: Bearer}, as Inference Endpoints want), capabilities
     * derived from {@link #maxTopNTokens(int)}.
     */
    public static final class Builder extends HttpModelBuilder<Builder> {
        private Function<List<Message>, String> renderer = TgiChatModel::plainPrompt;
        private boolean promptLogprobs;
        private int maxTopNTokens = DEFAULT_MAX_TOP_N_TOKENS;

        private Builder() {
            super(HttpSettings.builder().baseUrl("http://localhost:3000").timeout(Duration.ofMinutes(5)).maxRetries(0), "tgi", null);
        }

        /** The name {@link #modelName()} and {@code model_name} report (TGI serves one model). Default: {@code tgi}. */
        public Builder modelName(String modelName) {
            return model(modelName);
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

        /** The model. */
        public TgiChatModel build() {
            HttpSettings http = settings();
            Transport.Builder tb = Transport.builder(http, (status, body, retries) -> JsonSupport.providerError(status, body));
            if (http.apiKey() != null) {
                tb.defaultHeader("Authorization", "Bearer " + http.apiKey());
            }
            Capabilities caps = capabilities() != null ? capabilities() : new Capabilities(true, maxTopNTokens, true, true);
            HttpModelCore core = new HttpModelCore(model(), caps, http, tb.build());
            return new TgiChatModel(core, new TgiClient(http.baseUri(), core.transport(), model(), promptLogprobs), renderer, options());
        }
    }
}
