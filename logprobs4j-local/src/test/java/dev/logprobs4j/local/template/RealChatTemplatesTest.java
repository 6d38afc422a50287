package dev.logprobs4j.local.template;

import static dev.logprobs4j.local.template.TemplateMessage.assistant;
import static dev.logprobs4j.local.template.TemplateMessage.system;
import static dev.logprobs4j.local.template.TemplateMessage.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Llama 3 and Qwen 3 chat templates as published (from the pinned npm tokenizer packages),
 * rendered and compared with the prompt format their templates define, worked out by hand from
 * the template text.
 */
class RealChatTemplatesTest {

  @Nested
  class Llama3 {
    // Per message: <|start_header_id|>ROLE<|end_header_id|>\n\n + content|trim + <|eot_id|>, the
    // first prefixed by bos_token; this (original Llama 3) template always ends with the
    // assistant header, whatever add_generation_prompt says.
    private final RealTemplates.Config config = RealTemplates.load("tokenizer-llama3");

    @Test
    void configCarriesTheLlama3SpecialTokens() {
      assertThat(config.bosToken()).isEqualTo("<|begin_of_text|>");
      assertThat(config.chatTemplate()).contains("<|start_header_id|>");
    }

    @Test
    void systemAndUserRenderWithHeadersBosAndTrimmedContent() {
      String prompt = config.template().render(List.of(system("You are helpful."), user("  Hi there \n")), true);
      assertThat(prompt).isEqualTo("<|begin_of_text|>"
          + "<|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void generationPromptFlagIsIgnoredByThisTemplate() {
      ChatTemplate template = config.template();
      List<TemplateMessage> messages = List.of(user("Hello"));
      assertThat(template.render(messages, false)).isEqualTo(template.render(messages, true)).isEqualTo(
          "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
              + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void multiTurnPutsBosOnlyBeforeTheFirstMessage() {
      String prompt = config.template().render(
          List.of(user("What is 2+2?"), assistant("4"), user("And 3+3?")), true);
      assertThat(prompt).isEqualTo("<|begin_of_text|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n4<|eot_id|>"
          + "<|start_header_id|>user<|end_header_id|>\n\nAnd 3+3?<|eot_id|>"
          + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }
  }

  @Nested
  class Qwen3 {
    // ChatML turns <|im_start|>ROLE\n...<|im_end|>\n; assistant turns after the last real user
    // query show their <think> block, earlier ones have it stripped; consecutive tool messages
    // share one user turn of <tool_response> blocks.
    private final RealTemplates.Config config = RealTemplates.load("tokenizer-qwen3");

    @Test
    void configHasNoBosAndImEndAsEos() {
      assertThat(config.bosToken()).isNull();
      assertThat(config.eosToken()).isEqualTo("<|im_end|>");
    }

    @Test
    void systemAndUserWithGenerationPrompt() {
      String prompt = config.template().render(List.of(system("You are helpful."), user("Hi there")), true);
      assertThat(prompt).isEqualTo("<|im_start|>system\nYou are helpful.<|im_end|>\n"
          + "<|im_start|>user\nHi there<|im_end|>\n"
          + "<|im_start|>assistant\n");
    }

    @Test
    void systemAndUserWithoutGenerationPrompt() {
      String prompt = config.template().render(List.of(system("You are helpful."), user("Hi there")), false);
      assertThat(prompt).isEqualTo("<|im_start|>system\nYou are helpful.<|im_end|>\n"
          + "<|im_start|>user\nHi there<|im_end|>\n");
    }

    @Test
    void earlierAssistantTurnsLoseTheirThinkBlock() {
      String prompt = config.template().render(List.of(
          system("S"),
          user("What is 2+2?"),
          assistant("<think>\nadd them\n</think>\n\n4"),
          user("And 3+3?")), true);
      assertThat(prompt).isEqualTo("<|im_start|>system\nS<|im_end|>\n"
          + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
          + "<|im_start|>assistant\n4<|im_end|>\n"
          + "<|im_start|>user\nAnd 3+3?<|im_end|>\n"
          + "<|im_start|>assistant\n");
    }

    @Test
    void lastAssistantTurnKeepsItsReasoningStrippedOfNewlines() {
      // reasoning = content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
      String prompt = config.template().render(
          List.of(user("Hi"), assistant("<think>\nreason\n</think>\n\nHello!")), false);
      assertThat(prompt).isEqualTo("<|im_start|>user\nHi<|im_end|>\n"
          + "<|im_start|>assistant\n<think>\nreason\n</think>\n\nHello!<|im_end|>\n");
    }

    @Test
    void lastAssistantTurnWithoutReasoningGetsAnEmptyThinkBlock() {
      String prompt = config.template().render(List.of(user("Hi"), assistant("Hello!")), false);
      assertThat(prompt).isEqualTo("<|im_start|>user\nHi<|im_end|>\n"
          + "<|im_start|>assistant\n<think>\n\n</think>\n\nHello!<|im_end|>\n");
    }

    @Test
    void consecutiveToolMessagesShareOneUserTurn() {
      String prompt = config.template().render(List.of(
          user("Weather?"),
          assistant("Let me check."),
          new TemplateMessage("tool", "{\"temp\": 20}"),
          new TemplateMessage("tool", "{\"rain\": false}")), true);
      assertThat(prompt).isEqualTo("<|im_start|>user\nWeather?<|im_end|>\n"
          + "<|im_start|>assistant\nLet me check.<|im_end|>\n"
          + "<|im_start|>user\n<tool_response>\n{\"temp\": 20}\n</tool_response>"
          + "\n<tool_response>\n{\"rain\": false}\n</tool_response><|im_end|>\n"
          + "<|im_start|>assistant\n");
    }

    @Test
    void userTurnHoldingOnlyAToolResponseIsNotTheLastQuery() {
      // The reversed scan skips the <tool_response> user turn, so the assistant turn after the
      // real query keeps its reasoning although it is not the last message.
      String prompt = config.template().render(List.of(
          user("Q"),
          assistant("<think>\nr1\n</think>\n\nA1"),
          user("<tool_response>\nX\n</tool_response>")), true);
      assertThat(prompt).isEqualTo("<|im_start|>user\nQ<|im_end|>\n"
          + "<|im_start|>assistant\n<think>\nr1\n</think>\n\nA1<|im_end|>\n"
          + "<|im_start|>user\n<tool_response>\nX\n</tool_response><|im_end|>\n"
          + "<|im_start|>assistant\n");
    }

    @Test
    void systemMessageAfterTheFirstIsRenderedInPlace() {
      String prompt = config.template().render(List.of(user("A"), system("B")), false);
      assertThat(prompt).isEqualTo("<|im_start|>user\nA<|im_end|>\n<|im_start|>system\nB<|im_end|>\n");
    }
  }

  @Nested
  class Gemma3 {
    // <start_of_turn>ROLE\n + content|trim + <end_of_turn>\n per message, "assistant" renamed
    // "model", bos_token first. Gemma has no system role: a leading system message becomes a
    // prefix of the first user turn, separated by a blank line (and is not trimmed); roles after
    // it must alternate user/assistant or the template raises.
    private final RealTemplates.Config config = RealTemplates.load("tokenizer-gemma3");

    @Test
    void configCarriesGemmaSpecialTokens() {
      assertThat(config.bosToken()).isEqualTo("<bos>");
      assertThat(config.eosToken()).isEqualTo("<end_of_turn>");
    }

    @Test
    void userTurnWithGenerationPrompt() {
      assertThat(config.template().render(List.of(user("  Hi there \n")), true))
          .isEqualTo("<bos><start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\n");
    }

    @Test
    void systemMessageIsFoldedIntoTheFirstUserTurn() {
      String prompt = config.template().render(List.of(system("You are terse. "), user("Hi")), true);
      assertThat(prompt).isEqualTo("<bos><start_of_turn>user\nYou are terse. \n\nHi<end_of_turn>\n"
          + "<start_of_turn>model\n");
    }

    @Test
    void assistantTurnsAreModelTurnsAndOnlyTheFirstUserTurnGetsTheSystemText() {
      String prompt = config.template().render(
          List.of(system("S"), user("What is 2+2?"), assistant(" 4 "), user("And 3+3?")), false);
      assertThat(prompt).isEqualTo("<bos><start_of_turn>user\nS\n\nWhat is 2+2?<end_of_turn>\n"
          + "<start_of_turn>model\n4<end_of_turn>\n"
          + "<start_of_turn>user\nAnd 3+3?<end_of_turn>\n");
    }

    @Test
    void aSystemMessageAloneRendersNoTurn() {
      assertThat(config.template().render(List.of(system("S")), true)).isEqualTo("<bos><start_of_turn>model\n");
    }

    @Test
    void rolesThatDoNotAlternateAreRejectedByTheTemplate() {
      assertThatThrownBy(() -> config.template().render(List.of(user("a"), user("b")), true))
          .isInstanceOf(ChatTemplateException.class)
          .hasMessageContaining("Conversation roles must alternate user/assistant/user/assistant/...")
          .matches(e -> ((ChatTemplateException) e).raisedByTemplate());
    }
  }

  @Nested
  class Phi35 {
    // Phi-3.5-mini-instruct's tokenizer_config.json chat_template (also Phi-3-mini-128k's), with
    // its bos "<s>" and eos "<|endoftext|>": <|ROLE|>\ncontent<|end|>\n per message (system only
    // when non-empty, unknown roles dropped), then <|assistant|>\n or, without a generation
    // prompt, the eos token. Content is not trimmed and there is no bos.
    static final String TEMPLATE = "{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}"
        + "{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}"
        + "{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}"
        + "{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}";
    private final ChatTemplate template = ChatTemplate.of(TEMPLATE, "<s>", "<|endoftext|>");

    @Test
    void systemUserAndGenerationPrompt() {
      assertThat(template.render(List.of(system("You are helpful."), user(" Hi ")), true))
          .isEqualTo("<|system|>\nYou are helpful.<|end|>\n<|user|>\n Hi <|end|>\n<|assistant|>\n");
    }

    @Test
    void withoutGenerationPromptTheEosTokenEndsThePrompt() {
      assertThat(template.render(List.of(user("Q"), assistant("A")), false))
          .isEqualTo("<|user|>\nQ<|end|>\n<|assistant|>\nA<|end|>\n<|endoftext|>");
    }

    @Test
    void anEmptySystemMessageIsDropped() {
      assertThat(template.render(List.of(system(""), user("Q")), true)).isEqualTo("<|user|>\nQ<|end|>\n<|assistant|>\n");
    }
  }
}
