package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.LabelScorer;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.openai.internal.ContinuationScoring;
import java.util.List;
import dev.logprobs4j.openai.internal.CompletionsWire;
import java.util.concurrent.Executor;

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
public final class OpenAiCompletionModel extends AbstractChatModel implements LabelScorer {

    /** What label scoring asks for: the echoed prompt's logprobs, one greedy token (dropped). */
    private static final ChatOptions SCORING = ChatOptions.builder().logprobs(true).topLogprobs(0).maxTokens(1).temperature(0).build();

    /** What OpenAI's legacy completions return: logprobs with up to 5 alternatives, streamed too. */
    public static final Capabilities COMPLETIONS_CAPABILITIES = new Capabilities(true, 5, true, false);

    private final OpenAiEndpoint endpoint;
    private final boolean echo;

    private OpenAiCompletionModel(OpenAiEndpoint endpoint, boolean echo, ChatOptions bound) {
        super(bound);
        this.endpoint = endpoint;
        this.echo = echo;
    }

    /** A builder with OpenAI's defaults; {@link Builder#model(String)} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether answers echo the prompt ({@code echo: true}). */
    public boolean echo() {
        return echo;
    }

    @Override
    public String modelName() {
        return endpoint.core().model();
    }

    @Override
    public Capabilities capabilities() {
        return endpoint.core().capabilities();
    }

    /** The base URL requests go to, e.g. {@code https://api.openai.com/v1}. */
    public String baseUrl() {
        return endpoint.core().baseUrl();
    }

    @Override
    protected Executor asyncExecutor() {
        return endpoint.core().executor(super.asyncExecutor());
    }

    @Override
    public OpenAiCompletionModel bind(ChatOptions options) {
        return (OpenAiCompletionModel) super.bind(options);
    }

    @Override
    protected OpenAiCompletionModel withBoundOptions(ChatOptions options) {
        return new OpenAiCompletionModel(endpoint, echo, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        return endpoint.invoke(CompletionsWire.write(modelName(), request, false, endpoint.streamUsage(), echo),
                raw -> CompletionsWire.read(raw, request.options().wantsLogprobs(), 200));
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        byte[] body = CompletionsWire.write(modelName(), request, true, endpoint.streamUsage(), echo);
        boolean want = request.options().wantsLogprobs();
        // The legacy stream has no role chunk; the empty first chunk keeps the fold's [] start of chat streams.
        return endpoint.stream(body, CompletionsWire.decoder(want), want ? AIMessageChunk.of("", Logprobs.EMPTY) : null);
    }

    /**
     * Each label's exact logprob as the continuation of raw text {@code prompt}, from the echoed
     * prompt logprobs ({@code echo: true, logprobs: 0, max_tokens: 1}, whatever {@link #echo()} says):
     * one request for the prompt and one per label; a label's tokens are those of {@code prompt + label}
     * after the tokens both share (the generated token is left out), as on the local engine.
     */
    @Override
    public LabelScores classify(String prompt, List<String> labels) {
        return ContinuationScoring.score(prompt, labels, text -> {
            ChatRequest request = new ChatRequest(List.of(Message.human(text)), SCORING);
            return ContinuationScoring.echoedPrompt(endpoint.invoke(CompletionsWire.write(modelName(), request, false,
                    endpoint.streamUsage(), true), raw -> CompletionsWire.read(raw, true, 200)));
        });
    }

    /** {@link #classify(String, List)} of the messages' texts joined, as this API takes them. */
    @Override
    public LabelScores classify(List<Message> messages, List<String> labels) {
        return classify(CompletionsWire.prompt(new ChatRequest(messages, ChatOptions.NONE)), labels);
    }

    @Override
    public String toString() {
        return endpoint.describe(this, ", echo=" + echo, boundOptions());
    }

    /**
     * Builds an {@link OpenAiCompletionModel}; not thread-safe. The shared settings and their
     * defaults are {@link OpenAiBuilder}'s; {@code /completions} is appended to the base
     * URL, and the default capabilities are {@link #COMPLETIONS_CAPABILITIES}
     * ({@link OpenAiChatModel#VLLM_CAPABILITIES} with {@link #vllm(boolean) vllm(true)}).
     */
    public static final class Builder extends OpenAiBuilder<Builder> {
        private boolean echo;

        private Builder() {
        }

        /**
         * The server is vLLM: the default capabilities become {@link OpenAiChatModel#VLLM_CAPABILITIES}
         * (20 alternatives, prompt logprobs). Default: false.
         */
        public Builder vllm(boolean vllm) {
            this.vllm = vllm;
            return this;
        }

        /** Send {@code echo: true}: the answer repeats the prompt, with the prompt tokens' logprobs. Default: false. */
        public Builder echo(boolean echo) {
            this.echo = echo;
            return this;
        }

        /** Whether streams ask for {@code stream_options.include_usage}; turn off for servers that reject it. Default: true. */
        public Builder streamUsage(boolean streamUsage) {
            this.streamUsage = streamUsage;
            return this;
        }

        /**
         * The model.
         *
         * @throws IllegalStateException    when the model is not set, or OpenAI is used without a key
         * @throws IllegalArgumentException when the base URL is not an http(s) URL
         */
        public OpenAiCompletionModel build() {
            return new OpenAiCompletionModel(resolve("/completions", COMPLETIONS_CAPABILITIES,
                    OpenAiChatModel.VLLM_CAPABILITIES, "OpenAiCompletionModel", "gpt-3.5-turbo-instruct"), echo, options());
        }
    }
}
