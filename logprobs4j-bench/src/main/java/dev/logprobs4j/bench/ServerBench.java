package dev.logprobs4j.bench;

import dev.logprobs4j.gguf.GgmlType;
import java.nio.file.Path;
import java.util.List;

/**
 * Aggregate streamed tokens/s of logprobs4j's OpenAI-compatible server with 1, 4 and 8
 * concurrent streaming requests on the 1B model (server and clients in one forked JVM; the
 * clients only count SSE events). Stateless; prints.
 */
final class ServerBench {
    private ServerBench() {}

    static void run(BenchEnv env) {
        Path model = SyntheticModel.ensure(GgmlType.Q8_0, env.cacheDir());
        int maxTokens = env.quick() ? 8 : 32; // issue 9 measures 8 streams at max_tokens >= 32
        String levels = "1,4,8";
        System.err.println("server: 1B Q8_0 with 1, 4, 8 concurrent streams ...");
        Fork.Results r = Fork.run(env.classPath(), ServerWorker.class.getName(), env.engineJvmArgs("3g"),
                List.of(model.toString(), "" + env.threads(), "" + maxTokens, "" + env.runs(), levels), 1800);
        System.out.printf("%nserver: aggregate streamed tok/s (1B Q8_0, %d threads, max_tokens=%d, top_logprobs=20, %d runs)%n", env.threads(),
                maxTokens, env.runs());
        System.out.printf("%-12s  %-30s  %s%n", "concurrent", "aggregate tok/s min/med/max", "ratio to 1 (median)");
        double one = Stats.of(r.get("agg_1")).median();
        for (String l : levels.split(",")) {
            Stats s = Stats.of(r.get("agg_" + l));
            System.out.printf("%-12s  %-30s  %.2fx%n", l, s.format(""), s.median() / one);
        }
    }
}
