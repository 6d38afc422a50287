package dev.logprobs4j.local.template.internal;

import dev.logprobs4j.local.template.TemplateMessage;
import java.util.List;
import java.util.Locale;

/**
 * Prompt text for models without a chat template (base models such as the "stories" models).
 * Stateless and thread-safe. See {@code ChatTemplate.plain()} for the format.
 */
public final class PlainChatRenderer {

  private PlainChatRenderer() {}

  /** The plain-text prompt for {@code messages}. */
  public static String render(List<TemplateMessage> messages, boolean addGenerationPrompt) {
    if (messages.isEmpty()) {
      return "";
    }
    if (messages.size() == 1) {
      // A lone message is text to continue ("Once upon a time"): no labels, no generation prompt.
      return messages.get(0).content();
    }
    StringBuilder out = new StringBuilder();
    for (TemplateMessage m : messages) {
      if (!out.isEmpty()) {
        out.append('\n');
      }
      out.append(label(m.role())).append(": ").append(m.content());
    }
    if (addGenerationPrompt) {
      // No space after the colon: SentencePiece/BPE vocabularies attach the space to the next word.
      out.append('\n').append(label("assistant")).append(':');
    }
    return out.toString();
  }

  private static String label(String role) {
    return role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1);
  }
}
