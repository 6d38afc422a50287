package dev.logprobs4j;

import dev.logprobs4j.internal.StreamPublisher;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;

/**
 * The base of every provider's {@link ChatModel}: binds options, lays per-call options over them,
 * checks them against {@link #capabilities()} before any network call, and derives the async forms.
 * A provider supplies {@link #doInvoke} and {@link #doStream}. Subclasses must be immutable.
 */
public abstract class AbstractChatModel implements ChatModel {

    /** Runs async calls of providers without their own executor: daemon threads, created as needed. */
    private static final ExecutorService ASYNC = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "logprobs4j-async");
        t.setDaemon(true);
        return t;
    });

    private final ChatOptions bound;

    protected AbstractChatModel(ChatOptions bound) {
        this.bound = bound == null ? ChatOptions.NONE : bound;
    }

    @Override
    public final ChatOptions boundOptions() {
        return bound;
    }

    @Override
    public ChatModel bind(ChatOptions options) {
        return withBoundOptions(bound.merge(options));
    }

    /** A copy of this model with exactly these bound options. */
    protected abstract ChatModel withBoundOptions(ChatOptions options);

    /** Performs a blocking call; the request's options are final and checked. */
    protected abstract AIMessage doInvoke(ChatRequest request);

    /** Opens a stream; the request's options are final and checked. */
    protected abstract ChunkSource doStream(ChatRequest request);

    /** The executor for {@link #invokeAsync} and {@link #streamAsync}; override to supply your own. */
    protected Executor asyncExecutor() {
        return ASYNC;
    }

    @Override
    public final AIMessage invoke(List<Message> messages, ChatOptions options) {
        return doInvoke(prepare(messages, options, false));
    }

    @Override
    public final ChatStream stream(List<Message> messages, ChatOptions options) {
        return ChatStream.of(doStream(prepare(messages, options, true)));
    }

    @Override
    public CompletableFuture<AIMessage> invokeAsync(List<Message> messages, ChatOptions options) {
        ChatRequest request;
        try {
            request = prepare(messages, options, false);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.supplyAsync(() -> doInvoke(request), asyncExecutor());
    }

    @Override
    public Flow.Publisher<AIMessageChunk> streamAsync(List<Message> messages, ChatOptions options) {
        ChatRequest request = prepare(messages, options, true);
        return new StreamPublisher(() -> ChatStream.of(doStream(request)), asyncExecutor());
    }

    /** The request with effective options, checked against the capabilities. */
    protected final ChatRequest prepare(List<Message> messages, ChatOptions options, boolean streaming) {
        ChatOptions effective = bound.merge(options).validateCombination();
        capabilities().check(modelName(), effective, streaming);
        return new ChatRequest(messages, effective);
    }
}
