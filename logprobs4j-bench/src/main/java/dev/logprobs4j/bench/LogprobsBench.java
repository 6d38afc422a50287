package dev.logprobs4j.bench;

import dev.logprobs4j.engine.LogprobStep;
import dev.logprobs4j.engine.Sampler;
import java.util.SplittableRandom;

/**
 * Cost of logprobs on the 1B model: decode tok/s with logprobs + top_logprobs=20 against argmax
 * only (alternating in one JVM), and the isolated cost of log-softmax + top-20 over a
 * 128,256-token vocabulary as a share of one decode step. Stateless; not thread-safe (prints).
 */
final class LogprobsBench {
    private LogprobsBench() {}

    static void run(BenchEnv env) {
        int top = 20;
        EngineBench.Subject s = EngineBench.subjects(env, false).get(1);
        int decode = env.quick() ? 32 : 64;
        WorkerArgs a = new WorkerArgs(s.file().toString(), env.threads(), env.runs(), 0, decode, top, s.tokenLow(), s.tokenHigh(), true, 0);
        System.err.printf("logprobs: %s decode with/without logprobs ...%n", s.label());
        Fork.Results r = Fork.run(env.classPath(), EngineWorker.class.getName(), env.engineJvmArgs(s.heap()), a.toArgs(), 1200);
        Stats with = Stats.of(r.get("decode"));
        Stats without = Stats.of(r.get("decode_raw"));

        // Isolated: the engine's logprob step on top of argmax (log-sum-exp over the vocabulary, then top-k).
        int vocab = SyntheticModel.VOCAB;
        float[] logits = new float[vocab];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < vocab; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        double[] lpNs = new double[Math.max(5, env.runs())];
        double[] argmaxNs = new double[lpNs.length];
        int reps = 400;
        long sink = 0;
        LogprobStep step = new LogprobStep(top);
        for (int warm = 0; warm < 3; warm++) {
            for (int i = 0; i < reps; i++) {
                sink += logprobsStep(step, logits, vocab) + Sampler.argmax(logits, 0, vocab);
            }
        }
        for (int r2 = 0; r2 < lpNs.length; r2++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                sink += logprobsStep(step, logits, vocab);
            }
            lpNs[r2] = (System.nanoTime() - t0) / (double) reps;
            t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                sink += Sampler.argmax(logits, 0, vocab);
            }
            argmaxNs[r2] = (System.nanoTime() - t0) / (double) reps;
        }
        if (sink == 42) {
            System.err.print("");
        }
        Stats lp = Stats.of(lpNs);
        double stepUs = 1e6 / with.median();
        System.out.printf("%nlogprobs overhead (%s, %d threads, %d decoded tokens, %d runs each, alternating)%n", s.label(), env.threads(), decode,
                env.runs());
        System.out.printf("%-36s  %s%n", "variant", "decode tok/s min/med/max");
        System.out.printf("%-36s  %s%n", "argmax only (no logprobs)", without.format(""));
        System.out.printf("%-36s  %s%n", "logprob + top_logprobs=" + top, with.format(""));
        System.out.printf("decode time increase with logprobs (medians): %.1f%%%n", 100 * (without.median() / with.median() - 1));
        System.out.printf("isolated log-softmax + top-%d over %d logits (1 thread): %s us/token (argmax alone %.1f us) = %.2f%% of a %.0f us decode step%n",
                top, vocab, new Stats(lp.min() / 1e3, lp.median() / 1e3, lp.max() / 1e3).format(""), Stats.of(argmaxNs).median() / 1e3,
                100 * lp.median() / 1e3 / stepUs, stepUs);
    }

    private static long logprobsStep(LogprobStep step, float[] logits, int vocab) {
        step.compute(logits, 0, vocab, 7);
        return step.topId(0) + (long) step.logSumExp();
    }
}
