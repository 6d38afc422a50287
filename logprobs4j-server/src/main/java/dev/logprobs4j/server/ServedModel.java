package dev.logprobs4j.server;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import java.util.List;

/**
 * A model as {@link LogprobsServer} serves it: chat completions, raw text completions and prompt
 * scoring, all with logprobs. {@code LocalChatModel} is the implementation the CLI serves.
 *
 * <p>Implementations must be thread-safe: the server calls them from many request threads at once.
 * Each call must keep its own state (for the local engine, its own session and KV cache) so that
 * concurrent answers never mix, and closing a returned {@link ChatStream} must stop its generation.
 */
public interface ServedModel {

    /** The name clients put in {@code model} and {@code GET /v1/models} lists. */
    String modelName();

    /** Tokens one request's context holds (prompt and answer); {@code GET /v1/models} reports it. */
    int contextLength();

    /** What the model returns: the server refuses requests for more. */
    Capabilities capabilities();

    /**
     * Streams the answer to a conversation, rendered with the model's chat template. Chunks follow
     * {@link dev.logprobs4j.AIMessageChunk}'s conventions: per choice index the first carries empty
     * logprobs, the last a finish reason, and the usage arrives with the last chunk of each choice.
     */
    ChatStream chat(List<Message> messages, ChatOptions options);

    /** Streams the continuation of raw text (no chat template), like {@link #chat}. */
    ChatStream complete(String prompt, ChatOptions options);

    /**
     * The logprobs of the tokens of {@code text}, each given the ones before it, with
     * {@code topLogprobs} (0..20) alternatives.
     */
    PromptLogprobs score(String text, int topLogprobs);

    /**
     * Each label's probability as the continuation of raw text {@code prompt}, for
     * {@code POST /v1/classify}. By default: lower bounds from one generated token's 20 alternatives
     * ({@link LabelScores#fromFirstToken}); the local engine scores every label exactly.
     */
    default LabelScores classify(String prompt, List<String> labels) {
        return LabelScores.fromFirstToken(complete(prompt, oneToken()).aggregate().toMessage(), labels);
    }

    /** Each label as the start of the assistant's answer to {@code messages}; defaults as {@link #classify(String, List)}. */
    default LabelScores classify(List<Message> messages, List<String> labels) {
        return LabelScores.fromFirstToken(chat(messages, oneToken()).aggregate().toMessage(), labels);
    }

    private static ChatOptions oneToken() {
        return ChatOptions.builder().logprobs(true).topLogprobs(ChatOptions.MAX_TOP_LOGPROBS).maxTokens(1).temperature(0).build();
    }

    /**
     * The in-process engine as a served model: chat through its chat template, raw completions,
     * prompt scoring. The server does not close {@code local}; its owner does.
     */
    static ServedModel of(dev.logprobs4j.local.LocalChatModel local) {
        return new dev.logprobs4j.server.internal.LocalServedModel(local);
    }
}
