package dev.logprobs4j;

import java.util.List;
import java.util.Objects;

/**
 * One call as a provider receives it: the messages and the effective options (bound options with
 * the call's laid over them, already checked against the model's {@link Capabilities}). Immutable.
 */
public record ChatRequest(List<Message> messages, ChatOptions options) {

    public ChatRequest {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat call needs at least one message");
        }
        options = Objects.requireNonNullElse(options, ChatOptions.NONE);
    }
}
