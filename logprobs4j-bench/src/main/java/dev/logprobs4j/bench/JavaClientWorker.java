package dev.logprobs4j.bench;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.openai.OpenAiChatModel;
import dev.logprobs4j.Message;
import java.util.List;

/**
 * Forked client process: streams the replayed answers with logprobs4j's {@link OpenAiChatModel}
 * and folds them with {@code add}, printing process CPU microseconds per token
 * ({@code RESULT cpu_<tokens> <us>}) and wall time ({@code RESULT wall_<tokens> <us>}) per run,
 * after warm-up runs. Arguments: {@code <port> <top> <warmup> <runs> <sizes,...>}.
 */
public final class JavaClientWorker {
    private JavaClientWorker() {}

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int top = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        String[] sizes = args[4].split(",");
        // One client for all calls, as an application holds it; the size travels as the model name.
        ChatModel llm = OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey("x")
                .model("gpt-4o-mini")
                .build()
                .bind(ChatOptions.builder().logprobs(true).topLogprobs(top).build());
        for (int w = 0; w < warmup; w++) {
            for (String s : sizes) {
                once(llm, Integer.parseInt(s), top);
            }
        }
        for (int r = 0; r < runs; r++) {
            for (String s : sizes) {
                int n = Integer.parseInt(s);
                long c0 = ProcessCpu.nanos();
                long t0 = System.nanoTime();
                once(llm, n, top);
                long t1 = System.nanoTime();
                long c1 = ProcessCpu.nanos();
                System.out.printf("RESULT cpu_%d %.4f%n", n, (c1 - c0) / 1e3 / n);
                System.out.printf("RESULT wall_%d %.4f%n", n, (t1 - t0) / 1e3 / n);
            }
        }
        System.out.flush();
        System.exit(0);
    }

    private static void once(ChatModel llm, int n, int top) {
        AIMessageChunk full = null;
        for (AIMessageChunk chunk : llm.stream(List.of(Message.human("hi")), ChatOptions.builder().extra("bench_tokens", n).build())) {
            full = full == null ? chunk : full.add(chunk);
        }
        if (full == null || full.logprobs().size() != n || full.logprobs().content().get(n - 1).topLogprobs().size() != top) {
            throw new IllegalStateException("aggregated " + (full == null ? 0 : full.logprobs().size()) + " token logprobs, expected " + n);
        }
    }
}
