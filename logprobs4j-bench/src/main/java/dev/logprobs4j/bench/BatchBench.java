package dev.logprobs4j.bench;

import dev.logprobs4j.gguf.GgmlType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench batch}: scoring throughput (rows/s, tokens/s) of one file of texts three ways in the
 * same run, each in its own JVM on the same cores: one-by-one {@code LocalChatModel.score} calls,
 * {@code logprobs4j batch}, and the Spark transformer on {@code local-cluster[1,T,2048]} (one
 * executor JVM with all T cores, {@code spark.task.cpus = T}). Model load and a warm-up over the
 * first rows (which lets the JIT compile the engine; for Spark, a first job that also loads the
 * executor's engine) are not timed, the same number of rows in every leg.
 *
 * <p>Workloads: stories260K scores 6,144 rows (~8 s of work per leg), after 1,536 untimed ones
 * that let the JIT finish, so the ratio measures throughput: with 1,536 timed rows (~2 s) the same
 * Spark leg measured 592 to 709 rows/s from run to run on one machine, and Spark's fixed cost per
 * job (planning, shipping, collecting) is a small part of 8 s.
 * The 1B model scores two row sizes: short rows (2 words, ~9 tokens of the synthetic vocabulary:
 * search queries, labels, names), where a text alone leaves a forward pass mostly empty, and
 * sentence rows (12 words, ~54 tokens), which fill a pass of their own. Besides wall-clock rows/s,
 * the one-by-one and batch legs report their process CPU time per row (the batch leg's includes its
 * model load and loopback server start), a ratio that survives a loaded machine.
 */
final class BatchBench {

    private BatchBench() {}

    static void run(BenchEnv env) throws IOException {
        System.out.printf("%n== batch: scoring rows/s and tokens/s, one-by-one vs logprobs4j batch vs Spark (threads=%d, load %s) ==%n",
                env.threads(), load());
        Path stories = Path.of(System.getProperty("logprobs4j.bench.stories", "shared/models/stories260K.gguf"));
        for (Path d = env.repoRoot(); d != null && !stories.isAbsolute(); d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(stories))) {
                stories = d.resolve(stories); // a clone or worktree sits below the shared/ folder
            }
        }
        // Warm-up: 1,536 rows (the whole file with --quick) in every leg. 64 rows (80 ms of work)
        // left the JIT compiling through the timed run: the batch leg's CPU per row was 1.7x its
        // steady state.
        int storyRows = env.quick() ? 384 : 6144;
        measure(env, "stories260K", stories, storyRows, 24, Math.min(storyRows, 1536));
        // The 1B model scores ~20-40 tok/s on 2 quiet cores (every position's 128k logits).
        Path oneB = SyntheticModel.ensure(GgmlType.Q8_0, env.cacheDir());
        measure(env, "1B Q8_0 short", oneB, env.quick() ? 24 : 64, 2, 2);
        measure(env, "1B Q8_0 sentence", oneB, env.quick() ? 8 : 16, 12, 2);
    }

    private static void measure(BenchEnv env, String label, Path model, int rows, int wordsPerRow, int warmRows) throws IOException {
        Path dir = Files.createTempDirectory("logprobs4j-bench-batch-");
        Path input = dir.resolve("in.jsonl");
        Files.write(input, texts(rows, wordsPerRow));
        String warm = Integer.toString(warmRows);
        String cp = env.classPath();
        List<String> jvm = env.engineJvmArgs("2g");
        String threads = Integer.toString(env.threads());
        List<double[]> one = new ArrayList<>();
        List<double[]> batch = new ArrayList<>();
        List<double[]> spark = new ArrayList<>();
        for (int r = 0; r < env.runs(); r++) {
            Fork.Results a = Fork.run(cp, BatchBenchWorker.class.getName(), jvm, List.of("one-by-one", model.toString(), input.toString(), threads, warm), 1800);
            one.add(new double[] {a.get("rows_per_s")[0], a.get("tokens_per_s")[0], a.get("cpu_s_per_row")[0]});
            Files.deleteIfExists(dir.resolve("out.jsonl"));
            Fork.Results b = Fork.run(cp, BatchBenchWorker.class.getName(), jvm,
                    List.of("batch", model.toString(), input.toString(), threads, warm, dir.resolve("out.jsonl").toString()), 1800);
            batch.add(new double[] {b.get("rows_per_s")[0], b.get("tokens_per_s")[0], b.get("cpu_s_per_row")[0]});
            Path sparkHome = dir.resolve("spark-home");
            Files.createDirectories(sparkHome.resolve("jars"));
            List<String> cmd = new ArrayList<>(List.of("env", "SPARK_HOME=" + sparkHome, "SPARK_SCALA_VERSION=2.13",
                    "SPARK_LOCAL_IP=127.0.0.1", Fork.javaExecutable(), "-cp", cp));
            cmd.addAll(jvm);
            cmd.addAll(List.of(BatchBenchWorker.class.getName(), "spark", model.toString(), input.toString(), threads, warm));
            Fork.Results c = Fork.runCommand(cmd, 1800);
            spark.add(new double[] {c.get("rows_per_s")[0], c.get("tokens_per_s")[0]});
        }
        double oneRows = median(one, 0);
        double batchRows = median(batch, 0);
        double sparkRows = median(spark, 0);
        double tokensPerRow = median(one, 1) / oneRows;
        double oneCpu = median(one, 2);
        double batchCpu = median(batch, 2);
        System.out.printf(Locale.ROOT, "%-16s %5d rows x %.0f tokens (%d words), %d warm-up rows %8s %9s %10s%n", label, rows, tokensPerRow,
                wordsPerRow, warmRows, "rows/s", "tokens/s", "CPU s/row");
        System.out.printf(Locale.ROOT, "%-16s %-44s %8.2f %9.1f %10.3f%n", "", "one-by-one score", oneRows, median(one, 1), oneCpu);
        System.out.printf(Locale.ROOT, "%-16s %-44s %8.2f %9.1f %10.3f  %.2fx one-by-one (CPU time: %.2fx)%n", "", "logprobs4j batch",
                batchRows, median(batch, 1), batchCpu, batchRows / oneRows, oneCpu / batchCpu);
        System.out.printf(Locale.ROOT, "%-16s %-44s %8.2f %9.1f  overhead vs batch %+.1f%%%n", "", "Spark local-cluster", sparkRows,
                median(spark, 1), 100 * (1 - sparkRows / batchRows));
        System.out.printf(Locale.ROOT, "RESULT %s spark_overhead_pct=%.1f (target <= 15) batch_vs_one_by_one=%.2fx cpu_time_ratio=%.2fx"
                + " (target >= 2 on 1B) load %s%n", label.replace(' ', '_'), 100 * (1 - sparkRows / batchRows), batchRows / oneRows,
                oneCpu / batchCpu, load());
    }

    static List<String> texts(int rows, int words) {
        String[] vocab = {"Once", "upon", "a", "time", "there", "was", "little", "girl", "named", "Lily", "she", "liked", "to",
                "play", "in", "the", "park", "with", "her", "dog", "one", "day", "saw", "big", "red", "ball", "and", "happy"};
        List<String> lines = new ArrayList<>(rows);
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < rows; i++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < words; w++) {
                sb.append(w == 0 ? "" : " ").append(vocab[random.nextInt(vocab.length)]);
            }
            lines.add("{\"custom_id\":\"row-" + i + "\",\"text\":\"" + sb + ".\"}");
        }
        return lines;
    }

    private static double median(List<double[]> samples, int i) {
        double[] v = samples.stream().mapToDouble(s -> s[i]).sorted().toArray();
        return v[v.length / 2];
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
