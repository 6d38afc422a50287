package dev.logprobs4j.engine;

import dev.logprobs4j.engine.tensor.MatMul;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Micro benchmark (not a test): aggregate decode tokens/s of {@code B} sessions stepped together by
 * a {@link DecodeBatch}, against the same sessions decoding one after the other (what concurrent
 * generations cost before batching: one pass over the weights per token).
 *
 * <p>Run from the repository root after {@code mvn -pl logprobs4j-engine -am test-compile}, e.g. on
 * the bench module's synthetic 1B model:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp logprobs4j-engine/target/classes:logprobs4j-engine/target/test-classes:logprobs4j-gguf/target/classes \
 *     dev.logprobs4j.engine.DecodeBatchBench ~/.cache/logprobs4j-bench/llama-3.2-1b-shaped-q8_0-v1.gguf [steps [sizes]]
 * </pre>
 */
public final class DecodeBatchBench {
    private DecodeBatchBench() {}

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String sizes = args.length > 2 ? args[2] : "1,4,8";
        try (Model m = Model.load(file, LoadOptions.builder().threads(MatMul.threads()).build())) {
            DecodeBatch batch = m.newDecodeBatch();
            System.out.printf(Locale.ROOT, "%s, %d steps%n%-6s %-22s %-22s %s%n", m, steps, "B", "batched tok/s", "one by one tok/s", "ratio");
            for (String size : (sizes + "," + sizes).split(",")) { // the first round warms up the JIT
                int b = Integer.parseInt(size);
                Session[] sessions = new Session[b];
                int[] tokens = new int[b];
                for (int i = 0; i < b; i++) {
                    sessions[i] = m.newSession(steps * 2 + 4);
                    sessions[i].prefill(new int[] {1, 100 + i});
                    tokens[i] = 200 + i;
                }
                batch.decode(sessions, tokens); // warm-up, and grows the batch buffers
                long t0 = System.nanoTime();
                for (int k = 0; k < steps; k++) {
                    batch.decode(sessions, tokens);
                }
                double batched = (double) b * steps / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                for (int k = 0; k < steps; k++) {
                    for (int i = 0; i < b; i++) {
                        sessions[i].decode(tokens[i]);
                    }
                }
                double alone = (double) b * steps / ((System.nanoTime() - t0) / 1e9);
                System.out.printf(Locale.ROOT, "%-6d %-22.2f %-22.2f %.2fx%n", b, batched, alone, batched / alone);
            }
        }
    }
}
