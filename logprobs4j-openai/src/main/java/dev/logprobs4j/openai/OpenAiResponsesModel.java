package dev.logprobs4j.openai;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AbstractChatModel;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatRequest;
import dev.logprobs4j.ChunkSource;
import dev.logprobs4j.openai.internal.ResponsesWire;
import java.util.concurrent.Executor;

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

    private final OpenAiEndpoint endpoint;

    private OpenAiResponsesModel(OpenAiEndpoint endpoint, ChatOptions bound) {
        super(bound);
        this.endpoint = endpoint;
    }

    /** A builder with OpenAI's defaults; {@link Builder#model(String)} must be set. */
    public static Builder builder() {
        return new Builder();
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
    public OpenAiResponsesModel bind(ChatOptions options) {
        return (OpenAiResponsesModel) super.bind(options);
    }

    @Override
    protected OpenAiResponsesModel withBoundOptions(ChatOptions options) {
        return new OpenAiResponsesModel(endpoint, options);
    }

    @Override
    protected AIMessage doInvoke(ChatRequest request) {
        return endpoint.invoke(ResponsesWire.write(modelName(), request, false),
                raw -> ResponsesWire.readResponse(raw, request.options().wantsLogprobs(), 200));
    }

    @Override
    protected ChunkSource doStream(ChatRequest request) {
        return endpoint.stream(ResponsesWire.write(modelName(), request, true),
                new ResponsesWire.StreamDecoder(request.options().wantsLogprobs()), null);
    }

    @Override
    public String toString() {
        return endpoint.describe(this, "", boundOptions());
    }

    /**
     * Builds an {@link OpenAiResponsesModel}; not thread-safe. The settings and their defaults are
     * {@link OpenAiBuilder}'s; {@code /responses} is appended to the base URL, and the
     * default capabilities are {@link #RESPONSES_CAPABILITIES}.
     */
    public static final class Builder extends OpenAiBuilder<Builder> {

        private Builder() {
        }

        /**
         * The model.
         *
         * @throws IllegalStateException    when the model is not set, or OpenAI is used without a key
         * @throws IllegalArgumentException when the base URL is not an http(s) URL
         */
        public OpenAiResponsesModel build() {
            return new OpenAiResponsesModel(resolve("/responses", RESPONSES_CAPABILITIES, RESPONSES_CAPABILITIES,
                    "OpenAiResponsesModel", "gpt-4.1-mini"), options());
        }
    }
}
