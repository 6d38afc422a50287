package dev.logprobs4j;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A chat model that can return token logprobs: immutable and thread-safe.
 *
 * <p>LangChain's shape, in Java:
 * {@snippet :
 * ChatModel llm = model.bind(ChatOptions.builder().logprobs(true).topLogprobs(3).build());
 * AIMessage msg = llm.invoke(Message.human("how are you today"));
 * msg.responseMetadata().get("logprobs");    // {"content": [{token, bytes, logprob, top_logprobs}, ...]}
 * msg.logprobs().content().get(0).logprob(); // the same data, typed
 *
 * AIMessageChunk full = null;
 * for (AIMessageChunk chunk : llm.stream(Message.human("how are you today"))) {
 *     full = full == null ? chunk : full.add(chunk); // logprobs lists concatenate; the first is []
 * }
 * }
 *
 * <p>Blocking, async and streaming calls take the same arguments. Options given to a call are laid
 * over the {@link #boundOptions() bound} ones for that call only.
 */
public interface ChatModel {

    /** The model's name as the provider knows it. */
    String modelName();

    /** What this model can return; calls asking for more fail before any network call. */
    Capabilities capabilities();

    /** The options bound to this model ({@link ChatOptions#NONE} when none). */
    ChatOptions boundOptions();

    /**
     * A new model with {@code options} laid over the bound ones; this model is unchanged. Binds
     * compose: {@code m.bind(a).bind(b)} binds {@code a.merge(b)}.
     */
    ChatModel bind(ChatOptions options);

    /** Sends the conversation and waits for the whole answer. */
    AIMessage invoke(List<Message> messages, ChatOptions options);

    /** Sends the conversation and streams the answer; see {@link ChatStream} about closing. */
    ChatStream stream(List<Message> messages, ChatOptions options);

    /** {@link #invoke(List, ChatOptions)} without blocking the caller. */
    CompletableFuture<AIMessage> invokeAsync(List<Message> messages, ChatOptions options);

    /**
     * {@link #stream(List, ChatOptions)} as a {@link Flow.Publisher}: each subscriber starts its own
     * call, chunks follow demand, and cancelling the subscription closes the connection.
     */
    Flow.Publisher<AIMessageChunk> streamAsync(List<Message> messages, ChatOptions options);

    /** {@link #invoke(List, ChatOptions)} with the bound options. */
    default AIMessage invoke(Message... messages) {
        return invoke(Arrays.asList(messages), ChatOptions.NONE);
    }

    /** {@link #invoke(List, ChatOptions)} of one user message with the bound options. */
    default AIMessage invoke(String userMessage) {
        return invoke(List.of(Message.human(userMessage)), ChatOptions.NONE);
    }

    /** {@link #stream(List, ChatOptions)} with the bound options. */
    default ChatStream stream(Message... messages) {
        return stream(Arrays.asList(messages), ChatOptions.NONE);
    }

    /** {@link #stream(List, ChatOptions)} of one user message with the bound options. */
    default ChatStream stream(String userMessage) {
        return stream(List.of(Message.human(userMessage)), ChatOptions.NONE);
    }

    /** {@link #invokeAsync(List, ChatOptions)} with the bound options. */
    default CompletableFuture<AIMessage> invokeAsync(Message... messages) {
        return invokeAsync(Arrays.asList(messages), ChatOptions.NONE);
    }

    /** {@link #streamAsync(List, ChatOptions)} with the bound options. */
    default Flow.Publisher<AIMessageChunk> streamAsync(Message... messages) {
        return streamAsync(Arrays.asList(messages), ChatOptions.NONE);
    }
}
