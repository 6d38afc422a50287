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
import dev.logprobs4j.openai.internal.CompletionReader;
import dev.logprobs4j.openai.internal.OpenAiChunkSource;
import dev.logprobs4j.openai.internal.RequestWriter;
import java.util.List;
import java.util.concurrent.Executor;

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

    private final OpenAiEndpoint endpoint;
    private final boolean maxCompletionTokensField;

    private OpenAiChatModel(OpenAiEndpoint endpoint, boolean maxCompletionTokensField, ChatOptions bound) {
        super(bound);
        this.endpoint = endpoint;
        this.maxCompletionTokensField = maxCompletionTokensField;
    }

    /** A builder with OpenAI's defaults; {@link Builder#model(String)} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this model's settings (not its bound options), to derive a variant. */
    public Builder toBuilder() {
        return new Builder().restore(endpoint).maxCompletionTokensField(maxCompletionTokensField);
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
    public OpenAiChatModel bind(ChatOptions options) {
        return (OpenAiChatModel) super.bind(options);
    }

    @Override
    protected OpenAiChatModel withBoundOptions(ChatOptions options) {
        return new OpenAiChatModel(endpoint, maxCompletionTokensField, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        return endpoint.invoke(RequestWriter.write(modelName(), request, false, endpoint.streamUsage(), maxCompletionTokensField),
                raw -> CompletionReader.readCompletion(raw, 200));
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        return endpoint.stream(RequestWriter.write(modelName(), request, true, endpoint.streamUsage(), maxCompletionTokensField),
                OpenAiChunkSource.CHAT, null);
    }

    @Override
    protected Executor asyncExecutor() {
        return endpoint.core().executor(super.asyncExecutor());
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
        if (!endpoint.vllm()) {
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
        return endpoint.describe(this, "", boundOptions());
    }

    /**
     * Builds an {@link OpenAiChatModel}; not thread-safe. The shared settings and their defaults are
     * {@link OpenAiBuilder}'s; {@link #model(String)} must be set. {@code /chat/completions} is
     * appended to the base URL.
     */
    public static final class Builder extends OpenAiBuilder<Builder> {
        private boolean maxCompletionTokensField;

        private Builder() {
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

        /**
         * The model.
         *
         * @throws IllegalStateException    when the model is not set, or OpenAI or Azure is used without a key
         * @throws IllegalArgumentException when the base URL is not an http(s) URL
         */
        public OpenAiChatModel build() {
            return new OpenAiChatModel(resolve("/chat/completions", OPENAI_CAPABILITIES, VLLM_CAPABILITIES, "OpenAiChatModel", "gpt-4o-mini"),
                    maxCompletionTokensField, options());
        }
    }
}
