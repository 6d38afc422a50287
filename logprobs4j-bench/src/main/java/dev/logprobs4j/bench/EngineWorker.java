package dev.logprobs4j.bench;

import dev.logprobs4j.engine.GenerationRequest;
import dev.logprobs4j.engine.Generator;
import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.LogprobStep;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.engine.Sampler;
import dev.logprobs4j.engine.SamplingParams;
import dev.logprobs4j.engine.Session;
import java.nio.file.Path;

/**
 * Forked-JVM measurement of the logprobs4j engine, one model per JVM so that no other model's
 * kernels pollute the JIT profile: prints {@code RESULT <name> <value>} lines.
 *
 * <p>Decode speed is taken exactly as for llama.cpp: arrival times of the generated tokens, rate
 * = (n - 1) / (last - first), so prefill and the first token are excluded.
 */
public final class EngineWorker {
    private EngineWorker() {}

    public static void main(String[] args) {
        int status = 0;
        try {
            run(WorkerArgs.parse(args));
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    private static void run(WorkerArgs a) {
        long t0 = System.nanoTime();
        try (Model model = Model.load(Path.of(a.model()), LoadOptions.builder().threads(a.threads()).build())) {
            System.out.printf("RESULT load %.3f%n", (System.nanoTime() - t0) / 1e9);
            // Warm-up: lets C2 compile the kernels of both the batched and the single-token path.
            Session warm = model.newSession(a.contextLength());
            warm.prefill(SyntheticModel.promptIds(Math.min(40, Math.max(a.prefill(), 8)), a.tokenLow(), a.tokenHigh(), 7));
            decode(model, a, Math.min(8, Math.max(a.decode(), 2)), a.top());
            for (int r = 0; r < a.runs(); r++) {
                if (a.prefill() > 0) {
                    Session s = model.newSession(a.contextLength());
                    int[] prompt = a.prefillPrompt();
                    long p0 = System.nanoTime();
                    s.prefill(prompt);
                    System.out.printf("RESULT prefill %.3f%n", prompt.length / ((System.nanoTime() - p0) / 1e9));
                }
                if (a.score() > 0) {
                    System.out.printf("RESULT score %.3f%n", score(model, a));
                }
                if (a.decode() > 1) {
                    System.out.printf("RESULT decode %.3f%n", decode(model, a, a.decode(), a.top()));
                    if (a.alsoRaw()) {
                        System.out.printf("RESULT decode_raw %.3f%n", decode(model, a, a.decode(), -1));
                    }
                }
            }
        }
    }

    /**
     * Tokens/s of scoring a prompt: the logprob of every token given the ones before it, with
     * {@code top} alternatives, as {@code score} and {@code echo} compute them.
     */
    private static double score(Model model, WorkerArgs a) {
        int[] prompt = a.scorePrompt();
        Session s = model.newSession(a.contextLength());
        double[] sum = {0};
        long t0 = System.nanoTime();
        s.score(prompt, new LogprobStep(Math.max(a.top(), 0)), (i, step) -> sum[0] += step.logprob());
        double rate = prompt.length / ((System.nanoTime() - t0) / 1e9);
        if (!(sum[0] <= 0)) {
            throw new IllegalStateException("scoring gave a total logprob of " + sum[0]);
        }
        return rate;
    }

    /** Tokens/s of greedy decoding of {@code n} tokens; {@code top < 0}: argmax only, no logprobs. */
    private static double decode(Model model, WorkerArgs a, int n, int top) {
        Session session = model.newSession(a.contextLength());
        long[] times = new long[n];
        if (top >= 0) {
            // The public path: Generator computes each token's logprob and its top alternatives.
            GenerationRequest request = GenerationRequest.builder(a.decodePrompt())
                    .maxTokens(n)
                    .topLogprobs(top)
                    .sampling(SamplingParams.greedy())
                    .build();
            int[] count = {0};
            new Generator(session).generate(request, step -> {
                times[count[0]++] = System.nanoTime();
                return true;
            });
            if (count[0] != n) {
                throw new IllegalStateException("generated " + count[0] + " tokens, expected " + n);
            }
        } else {
            int vocab = model.config().vocabularySize();
            float[] logits = session.prefill(a.decodePrompt());
            for (int i = 0; i < n; i++) {
                int token = Sampler.argmax(logits, 0, vocab);
                times[i] = System.nanoTime();
                if (i + 1 < n) {
                    logits = session.decode(token);
                }
            }
        }
        return (n - 1) / ((times[n - 1] - times[0]) / 1e9);
    }
}
