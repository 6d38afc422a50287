package dev.logprobs4j.local.template;

import dev.logprobs4j.local.template.internal.JinjaChatRenderer;
import dev.logprobs4j.local.template.internal.PlainChatRenderer;
import java.util.List;
import java.util.Objects;

/**
 * A chat template: turns a list of messages into the prompt text a model was trained on.
 * Immutable and thread-safe; the Jinja source is parsed once, when the template is created.
 *
 * <p>{@link #of} renders the HuggingFace-style Jinja template that GGUF files store under
 * {@code tokenizer.chat_template}, with what transformers gives templates: the variables
 * {@code messages} (maps with {@code role} and {@code content}), {@code add_generation_prompt},
 * {@code bos_token} and {@code eos_token}; the functions {@code raise_exception(msg)} and
 * {@code strftime_now(fmt)}; Python's {@code tojson}, string methods ({@code strip},
 * {@code split}, {@code startswith}, ...), extended slices ({@code messages[::-1]}),
 * {@code namespace(...)}, {@code loop.*}, and {@code trim_blocks}/{@code lstrip_blocks} on.
 * {@code tools}, {@code documents} and other optional variables are undefined.
 *
 * {@snippet :
 * ChatTemplate template = ChatTemplate.of(
 *     "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
 *         + "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
 *     null, "<|im_end|>");
 * String prompt = template.render(List.of(TemplateMessage.user("Hi")), true);
 * // "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
 * }
 *
 * <p>{@link #plain()} is the fallback for models without a template.
 */
public final class ChatTemplate {

  private static final ChatTemplate PLAIN = new ChatTemplate(null);

  private final JinjaChatRenderer jinja; // null for plain()

  private ChatTemplate(JinjaChatRenderer jinja) {
    this.jinja = jinja;
  }

  /**
   * A template rendering the Jinja {@code jinjaSource}.
   *
   * @param jinjaSource the template, e.g. the GGUF {@code tokenizer.chat_template} string
   * @param bosToken    text of the beginning-of-sequence token, or null if the model has none
   *                    (then {@code bos_token} is undefined in the template)
   * @param eosToken    text of the end-of-sequence token, or null if the model has none
   * @throws ChatTemplateException if the source is not valid Jinja
   */
  public static ChatTemplate of(String jinjaSource, String bosToken, String eosToken) {
    Objects.requireNonNull(jinjaSource, "jinjaSource must not be null (use ChatTemplate.plain() for models without one)");
    return new ChatTemplate(new JinjaChatRenderer(jinjaSource, bosToken, eosToken));
  }

  /**
   * The plain-text fallback for models without a chat template, such as base models that
   * continue text. A single message renders as its content alone, whatever its role and
   * {@code addGenerationPrompt}, so a user message "Once upon a time" is continued as a story.
   * Two or more messages render as a transcript, one {@code "Role: content"} line per message
   * (role with its first letter upper-cased, lines joined by {@code \n}), and
   * {@code addGenerationPrompt} appends a final line {@code "Assistant:"} for the model to
   * continue. An empty list renders as the empty string.
   */
  public static ChatTemplate plain() {
    return PLAIN;
  }

  /** Whether this is the {@link #plain()} fallback. */
  public boolean isPlain() {
    return jinja == null;
  }

  /**
   * The prompt text for {@code messages}.
   *
   * @param messages            the conversation, oldest first
   * @param addGenerationPrompt whether to end with the cue for the assistant's next turn
   * @throws ChatTemplateException if the template fails or rejects the messages
   *                               ({@link ChatTemplateException#raisedByTemplate()})
   */
  public String render(List<TemplateMessage> messages, boolean addGenerationPrompt) {
    Objects.requireNonNull(messages, "messages must not be null");
    for (int i = 0; i < messages.size(); i++) {
      Objects.requireNonNull(messages.get(i), "messages[" + i + "] must not be null");
    }
    return jinja == null
        ? PlainChatRenderer.render(messages, addGenerationPrompt)
        : jinja.render(messages, addGenerationPrompt);
  }

  @Override
  public String toString() {
    return jinja == null ? "ChatTemplate[plain]" : "ChatTemplate[jinja]";
  }
}
