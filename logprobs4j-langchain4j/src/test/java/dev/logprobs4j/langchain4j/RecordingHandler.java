package dev.logprobs4j.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records what a streaming call delivers; {@link #await()} returns the complete response or throws its error. */
class RecordingHandler implements StreamingChatResponseHandler {
    final List<PartialResponse> partials = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    @Override
    public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
        partials.add(partial);
        threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        if (!done.complete(response)) {
            throw new AssertionError("a second terminal call: " + response);
        }
    }

    @Override
    public void onError(Throwable error) {
        if (!done.completeExceptionally(error)) {
            throw new AssertionError("a second terminal call", error);
        }
    }

    ChatResponse await() throws Exception {
        return done.get(60, TimeUnit.SECONDS);
    }
}
