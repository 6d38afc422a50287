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
 * One parsed template shared by threads renders the same prompt as a single thread does; also
 * prints render throughput (informational, not asserted).
 */
class ChatTemplateConcurrencyTest {

  private static final List<TemplateMessage> CONVERSATION = List.of(
      system("You are helpful."), user("What is 2+2?"), assistant("<think>\nadd\n</think>\n\n4"), user("And 3+3?"));

  @Test
  void sharedTemplateRendersIdenticallyFromManyThreads() throws Exception {
    ChatTemplate template = RealTemplates.load("tokenizer-qwen3").template();
    String expected = template.render(CONVERSATION, true);
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
        assertThat(f.get()).hasSize(100).containsOnly(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reportsRendersPerSecond() {
    for (String name : List.of("tokenizer-llama3", "tokenizer-qwen3")) {
      ChatTemplate template = RealTemplates.load(name).template();
      String first = template.render(CONVERSATION, true);
      for (int i = 0; i < 1_000; i++) { // warm-up
        template.render(CONVERSATION, true);
      }
      int n = 2_000;
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        assertThat(template.render(CONVERSATION, true)).hasSameSizeAs(first);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("ChatTemplate %s: %.0f renders/s (%d renders of 4 messages, one thread)%n", name, n / seconds, n);
    }
  }
}
