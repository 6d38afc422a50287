package dev.logprobs4j.llamacpp;

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
import dev.logprobs4j.llamacpp.internal.LlamaCppClient;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A {@link ChatModel} over llama.cpp server's native {@code POST /completion} endpoint, with token
 * logprobs from its {@code n_probs}: immutable and thread-safe.
 *
 * <p><b>Prompt.</b> {@code /completion} takes a prompt string, not messages. By default the messages
 * are turned into one through the server's own chat template ({@code POST /apply-template}, one extra
 * request per call); {@link Builder#useServerTemplate(boolean) useServerTemplate(false)} sends
 * {@link #plainPrompt(List) the contents joined by newlines} instead (for base models and prompts
 * written out in full), or the text of a {@link Builder#promptRenderer(Function) renderer} of your own.
 *
 * <p><b>Logprobs.</b> {@code logprobs(true)} sends {@code n_probs = max(1, topLogprobs)} (llama.cpp
 * sends no probabilities with 0) and keeps only the {@code topLogprobs} alternatives asked for. By
 * default llama.cpp reports the softmax of the raw logits; with
 * {@link Builder#postSamplingProbs(boolean) postSamplingProbs(true)} it reports probabilities after
 * its sampler chain ({@code prob}, {@code top_probs}), which are converted to {@code ln p}; a
 * probability of 0 becomes {@link dev.logprobs4j.TokenLogprob#VERY_UNLIKELY} (-9999), as do
 * llama.cpp's own stand-ins for log 0 (null, {@code -3.4e38}). Both response shapes are read: current
 * servers' {@code {id, token, bytes, logprob, top_logprobs}} and older servers'
 * {@code {content, probs: [{tok_str, prob}]}}. Older servers send no bytes: they are the UTF-8 of the
 * token text (the {@code "byte: \xNN"} form they wrote for a lone byte is that byte), and a chosen
 * token missing from its own alternatives gets the {@code VERY_UNLIKELY} marker (its probability is
 * unknown). Prompt logprobs are not available from {@code /completion}.
 *
 * <p>{@code temperature}, {@code topP}, {@code seed}, {@code maxTokens} ({@code n_predict}) and
 * {@code stop} map to llama.cpp's fields; {@code extra} options are sent as they are. Usage comes from
 * {@code tokens_evaluated}/{@code tokens_predicted} (or {@code timings}); {@code timings},
 * {@code stopping_word} and {@code truncated} are in {@code responseMetadata()}.
 *
 * {@snippet :
 * ChatModel llm = LlamaCppCompletionModel.builder()
 *         .baseUrl("http://localhost:8080")
 *         .build()
 *         .bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
 * AIMessage msg = llm.invoke("how are you today");
 * double first = msg.logprobs().content().get(0).logprob();
 * }
 */
public final class LlamaCppCompletionModel extends AbstractChatModel {

    /** n_probs has no limit in llama.cpp; this is the most {@link ChatOptions} lets anyone ask for. */
    public static final Capabilities CAPABILITIES = new Capabilities(true, ChatOptions.MAX_TOP_LOGPROBS, true, false);

    private final HttpModelCore core;
    private final LlamaCppClient client;

    private LlamaCppCompletionModel(HttpModelCore core, LlamaCppClient client, ChatOptions bound) {
        super(bound);
        this.core = core;
        this.client = client;
    }

    /** A builder with the defaults below. */
    public static Builder builder() {
        return new Builder();
    }

    /** The contents of the messages joined by {@code "\n"}, roles left out: the prompt without the server template. */
    public static String plainPrompt(List<Message> messages) {
        return messages.stream().map(Message::content).collect(Collectors.joining("\n"));
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
        return new LlamaCppCompletionModel(core, client, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        checkN(request.options());
        return client.invoke(request);
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        checkN(request.options());
        return client.stream(request);
    }

    private void checkN(ChatOptions o) {
        core.requireSingleAnswer(o, n -> "llama.cpp's /completion returns one answer per call; remove n(" + n + ") and call again for more");
    }

    /**
     * Configures a {@link LlamaCppCompletionModel}; not thread-safe. Defaults: base URL
     * {@code http://localhost:8080}, model name {@code llama.cpp}, timeout 5 minutes, connect
     * timeout 10 seconds, no read timeout, no retries (a local server that fails usually fails
     * again), no API key (one is sent as {@code Authorization: Bearer}, as the server's
     * {@code --api-key} wants), capabilities {@link LlamaCppCompletionModel#CAPABILITIES}.
     */
    public static final class Builder extends HttpModelBuilder<Builder> {
        private boolean serverTemplate = true;
        private Function<List<Message>, String> renderer = LlamaCppCompletionModel::plainPrompt;
        private boolean postSamplingProbs;

        private Builder() {
            super(HttpSettings.builder().baseUrl("http://localhost:8080").timeout(Duration.ofMinutes(5)).maxRetries(0), "llama.cpp", CAPABILITIES);
        }

        /** The name {@link #modelName()} reports (the server serves one model). Default: {@code llama.cpp}. */
        public Builder modelName(String modelName) {
            return model(modelName);
        }

        /** Render the prompt with the server's chat template ({@code /apply-template}). Default: true. */
        public Builder useServerTemplate(boolean useServerTemplate) {
            this.serverTemplate = useServerTemplate;
            return this;
        }

        /**
         * How to turn messages into the prompt when the server template is not used. Default:
         * {@link LlamaCppCompletionModel#plainPrompt(List)}. Setting one turns the server template off.
         */
        public Builder promptRenderer(Function<List<Message>, String> renderer) {
            this.renderer = Objects.requireNonNull(renderer, "renderer");
            this.serverTemplate = false;
            return this;
        }

        /** Ask for probabilities after the sampler chain ({@code post_sampling_probs}). Default: false (raw softmax). */
        public Builder postSamplingProbs(boolean postSamplingProbs) {
            this.postSamplingProbs = postSamplingProbs;
            return this;
        }

        /** The model. */
        public LlamaCppCompletionModel build() {
            HttpSettings http = settings();
            Transport.Builder tb = Transport.builder(http, (status, body, retries) -> JsonSupport.providerError(status, body));
            if (http.apiKey() != null) {
                tb.defaultHeader("Authorization", "Bearer " + http.apiKey());
            }
            HttpModelCore core = new HttpModelCore(model(), capabilities(), http, tb.build());
            return new LlamaCppCompletionModel(core,
                    new LlamaCppClient(http.baseUri(), core.transport(), serverTemplate, renderer, postSamplingProbs), options());
        }
    }
}
