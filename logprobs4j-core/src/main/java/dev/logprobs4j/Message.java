package dev.logprobs4j;

import java.util.Objects;

/**
 * One chat message sent to a model: an immutable role and text.
 *
 * <p>The factories follow LangChain's names: {@link #human}, {@link #system}, {@link #ai}.
 */
public record Message(Role role, String content) {

    public Message {
        Objects.requireNonNull(role, "role must not be null");
        Objects.requireNonNull(content, "content must not be null (use \"\" for an empty message)");
    }

    /** A user message. */
    public static Message human(String content) {
        return new Message(Role.USER, content);
    }

    /** A system message. */
    public static Message system(String content) {
        return new Message(Role.SYSTEM, content);
    }

    /** An assistant message, e.g. an earlier turn of the conversation. */
    public static Message ai(String content) {
        return new Message(Role.ASSISTANT, content);
    }
}
