package dev.logprobs4j.local.template;

import static dev.logprobs4j.local.template.TemplateMessage.assistant;
import static dev.logprobs4j.local.template.TemplateMessage.system;
import static dev.logprobs4j.local.template.TemplateMessage.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One parsed template shared by threads renders, on every thread and every call, exactly the prompt
 * that Qwen 3's template defines for the conversation (written out below by hand, not rendered).
 * Render speed is a benchmark: {@code ./logprobs4j bench templates}.
 */
class ChatTemplateConcurrencyTest {

  private static final List<TemplateMessage> CONVERSATION = List.of(
      system("You are helpful."), user("What is 2+2?"), assistant("<think>\nadd\n</think>\n\n4"), user("And 3+3?"));

  /** Qwen 3 drops the reasoning of assistant turns before the last user turn. */
  private static final String EXPECTED = "<|im_start|>system\nYou are helpful.<|im_end|>\n"
      + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
      + "<|im_start|>assistant\n4<|im_end|>\n"
      + "<|im_start|>user\nAnd 3+3?<|im_end|>\n"
      + "<|im_start|>assistant\n";

  @Test
  void sharedTemplateRendersTheExpectedPromptOnEveryThread() throws Exception {
    ChatTemplate template = RealTemplates.load("tokenizer-qwen3").template();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          List<String> outputs = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            outputs.add(template.render(CONVERSATION, true));
          }
          return outputs;
        }));
      }
      for (Future<List<String>> f : results) {
        assertThat(f.get()).hasSize(100).containsOnly(EXPECTED);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
