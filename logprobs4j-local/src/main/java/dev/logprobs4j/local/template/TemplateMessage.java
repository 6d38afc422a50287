package dev.logprobs4j.local.template;

import java.util.Objects;

/**
 * One chat message as a template sees it: {@code role} ("system", "user", "assistant", "tool",
 * ...) and text {@code content}. Immutable and thread-safe.
 *
 * @param role    the speaker; non-blank
 * @param content the message text; non-null, may be empty
 */
public record TemplateMessage(String role, String content) {

  /** Validates the fields. */
  public TemplateMessage {
    Objects.requireNonNull(role, "role must not be null (e.g. \"user\")");
    Objects.requireNonNull(content, "content must not be null (use \"\" for an empty message)");
    if (role.isBlank()) {
      throw new IllegalArgumentException("role must not be blank (e.g. \"user\")");
    }
  }

  /** A system message. */
  public static TemplateMessage system(String content) {
    return new TemplateMessage("system", content);
  }

  /** A user message. */
  public static TemplateMessage user(String content) {
    return new TemplateMessage("user", content);
  }

  /** An assistant message. */
  public static TemplateMessage assistant(String content) {
    return new TemplateMessage("assistant", content);
  }
}
