package dev.logprobs4j.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Forked-JVM measurement of llama.cpp (de.kherud:llama 4.1.0, its JNI server) on the same token
 * ids as {@link EngineWorker}: prints {@code RESULT <name> <value>} lines and halts, because that
 * JVM may not exit by itself after {@code close()}.
 *
 * <p>Prompts are passed as token-id arrays (llama.cpp's server accepts them as {@code prompt}), so
 * no text tokenisation is involved. Logprobs are not requested: {@code setNProbs} aborts 4.1.0.
 * llama.cpp's own timings go to the JVM's standard error, where {@link EngineBench} reads them.
 */
public final class LlamaCppWorker {
    private LlamaCppWorker() {}

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            run(WorkerArgs.parse(args));
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        Runtime.getRuntime().halt(status);
    }

    private static void run(WorkerArgs a) throws Exception {
        long t0 = System.nanoTime();
        ModelParameters mp = new ModelParameters()
                .setModel(a.model())
                .setThreads(a.threads())
                .setThreadsBatch(a.threads())
                .setCtxSize(a.contextLength())
                .setBatchSize(Math.max(512, Math.max(a.prefill(), a.score())))
                .setUbatchSize(Math.max(512, Math.max(a.prefill(), a.score())))
                .setParallel(1);
        try (LlamaModel model = new LlamaModel(mp)) {
            System.out.printf("RESULT load %.3f%n", (System.nanoTime() - t0) / 1e9);
            // Warm-up: caches, thread pool, first-touch of the weights.
            generate(model, a.decodePrompt(), Math.min(8, a.decode()));
            for (int r = 0; r < a.runs(); r++) {
                if (a.prefill() > 0) {
                    long p0 = System.nanoTime();
                    generate(model, a.prefillPrompt(), 1);
                    double s = (System.nanoTime() - p0) / 1e9;
                    System.out.printf("RESULT prefill %.3f%n", a.prefill() / s);
                }
                if (a.score() > 0) {
                    // llama.cpp's nearest figure to scoring: prefill of the same tokens (its server's
                    // prompt logprobs need n_probs, which aborts 4.1.0).
                    long p0 = System.nanoTime();
                    generate(model, a.scorePrompt(), 1);
                    System.out.printf("RESULT score %.3f%n", a.score() / ((System.nanoTime() - p0) / 1e9));
                }
                if (a.decode() > 1) {
                    long[] times = generate(model, a.decodePrompt(), a.decode());
                    if (times.length != a.decode()) {
                        throw new IllegalStateException("llama.cpp produced " + times.length + " tokens, expected " + a.decode());
                    }
                    double s = (times[times.length - 1] - times[0]) / 1e9;
                    System.out.printf("RESULT decode %.3f%n", (times.length - 1) / s);
                }
            }
        }
    }

    /** Streams {@code n} greedy tokens after {@code prompt}; returns the arrival time of each. */
    private static long[] generate(LlamaModel model, int[] prompt, int n) throws ReflectiveOperationException {
        InferenceParameters p = new InferenceParameters("")
                .setNPredict(n)
                .setTemperature(0f)
                .setIgnoreEos(true)
                .setCachePrompt(false);
        rawParameters(p).put("prompt", Arrays.stream(prompt).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
        long[] times = new long[n];
        int count = 0;
        for (LlamaOutput out : model.generate(p)) {
            if (count < n) {
                times[count] = System.nanoTime();
            }
            count++;
            if (out == null) {
                break;
            }
        }
        return Arrays.copyOf(times, Math.min(count, n));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> rawParameters(InferenceParameters p) throws ReflectiveOperationException {
        Field f = Class.forName("de.kherud.llama.JsonParameters").getDeclaredField("parameters");
        f.setAccessible(true);
        return (Map<String, String>) f.get(p);
    }
}
