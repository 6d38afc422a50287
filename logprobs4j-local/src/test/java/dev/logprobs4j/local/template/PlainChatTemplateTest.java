package dev.logprobs4j.local.template;

import static dev.logprobs4j.local.template.TemplateMessage.assistant;
import static dev.logprobs4j.local.template.TemplateMessage.system;
import static dev.logprobs4j.local.template.TemplateMessage.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The no-template fallback, per the format documented on {@link ChatTemplate#plain()}. */
class PlainChatTemplateTest {

  private final ChatTemplate plain = ChatTemplate.plain();

  @Test
  void singleUserMessageIsItsContentSoABaseModelContinuesIt() {
    assertThat(plain.render(List.of(user("Once upon a time")), true)).isEqualTo("Once upon a time");
    assertThat(plain.render(List.of(user("Once upon a time")), false)).isEqualTo("Once upon a time");
  }

  @Test
  void multiTurnIsARoleLabelledTranscriptEndingWithTheAssistantCue() {
    List<TemplateMessage> messages = List.of(system("Tell stories."), user("A cat?"), assistant("Yes."), user("More"));
    assertThat(plain.render(messages, true))
        .isEqualTo("System: Tell stories.\nUser: A cat?\nAssistant: Yes.\nUser: More\nAssistant:");
    assertThat(plain.render(messages, false))
        .isEqualTo("System: Tell stories.\nUser: A cat?\nAssistant: Yes.\nUser: More");
  }

  @Test
  void unknownRolesAreCapitalisedAndEmptyConversationIsEmpty() {
    assertThat(plain.render(List.of(new TemplateMessage("tool", "42"), user("ok")), false)).isEqualTo("Tool: 42\nUser: ok");
    assertThat(plain.render(List.of(), true)).isEmpty();
    assertThat(plain.isPlain()).isTrue();
    assertThat(ChatTemplate.of("x", null, null).isPlain()).isFalse();
  }
}
