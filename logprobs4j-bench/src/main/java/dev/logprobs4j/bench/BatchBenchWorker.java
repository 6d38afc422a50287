package dev.logprobs4j.bench;

import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import dev.logprobs4j.spark.LogprobsTransformer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One leg of {@link BatchBench} in its own JVM; prints {@code RESULT rows_per_s} and
 * {@code RESULT tokens_per_s}. Args: {@code one-by-one|batch|spark MODEL INPUT.jsonl THREADS WARM_ROWS [OUTPUT]}:
 * the first WARM_ROWS rows run once untimed, so that the JIT has compiled the engine.
 */
public final class BatchBenchWorker {

    private static final Pattern TEXT = Pattern.compile("\"text\":\"([^\"]*)\"");
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) rows \\(\\d+ done before\\) in [0-9.]+ s: ([0-9.]+) rows/s, ([0-9.]+) tokens/s");

    private BatchBenchWorker() {}

    public static void main(String[] args) throws Exception {
        String leg = args[0];
        Path model = Path.of(args[1]);
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            Matcher m = TEXT.matcher(line);
            if (m.find()) {
                texts.add(m.group(1));
            }
        }
        int threads = Integer.parseInt(args[3]);
        int warm = Integer.parseInt(args[4]);
        switch (leg) {
            case "one-by-one" -> oneByOne(model, texts, threads, warm);
            case "batch" -> batch(model, Path.of(args[2]), threads, warm, args[5]);
            case "spark" -> spark(model, texts, threads, warm);
            default -> throw new IllegalArgumentException(leg);
        }
        System.out.flush();
        System.exit(0);
    }

    private static void oneByOne(Path model, List<String> texts, int threads, int warm) {
        try (LocalChatModel local = LocalChatModel.builder().modelPath(model).threads(threads).build()) {
            for (String t : texts.subList(0, warm)) {
                local.score(t, 0);
            }
            long tokens = 0;
            long t0 = System.nanoTime();
            long c0 = ProcessCpu.nanos();
            for (String t : texts) {
                PromptScore s = local.score(t, 0);
                tokens += s.unscored().size() + s.scored().size();
            }
            double cpu = (ProcessCpu.nanos() - c0) / 1e9;
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.println("RESULT rows_per_s " + texts.size() / sec);
            System.out.println("RESULT tokens_per_s " + tokens / sec);
            System.out.println("RESULT cpu_s_per_row " + cpu / texts.size());
        }
    }

    private static void batch(Path model, Path input, int threads, int warm, String output) throws java.io.IOException {
        // Warm-up, as the other legs have: a run over the first lines lets the JIT compile the engine.
        Path warmIn = Files.createTempFile("logprobs4j-bench-warm-", ".jsonl");
        Path warmOut = Files.createTempFile("logprobs4j-bench-warm-", ".out.jsonl");
        Files.write(warmIn, Files.readAllLines(input).subList(0, warm));
        Files.delete(warmOut);
        runBatch(model, warmIn, threads, warmOut.toString());
        Files.deleteIfExists(warmIn);
        Files.deleteIfExists(warmOut);
        long c0 = ProcessCpu.nanos();
        Matcher m = runBatch(model, input, threads, output);
        double cpu = (ProcessCpu.nanos() - c0) / 1e9; // includes this run's model load and loopback server start
        System.out.println("RESULT rows_per_s " + m.group(2));
        System.out.println("RESULT tokens_per_s " + m.group(3));
        System.out.println("RESULT cpu_s_per_row " + cpu / Integer.parseInt(m.group(1)));
    }

    private static Matcher runBatch(Path model, Path input, int threads, String output) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of();
        dev.logprobs4j.cli.internal.Io io = new dev.logprobs4j.cli.internal.Io(System.in, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), env, new dev.logprobs4j.cli.internal.Terminal(false, false),
                new dev.logprobs4j.cli.internal.Backends(env));
        int code = dev.logprobs4j.cli.Main.run(new String[] {"batch", input.toString(), "-o", output, "--model", model.toString(),
                "--threads", Integer.toString(threads)}, io); // the CLI's default rows in flight
        String log = err.toString(StandardCharsets.UTF_8);
        Matcher m = SUMMARY.matcher(log);
        if (code != 0 || !m.find()) {
            throw new IllegalStateException("logprobs4j batch exited " + code + ": " + log);
        }
        return m;
    }

    private static void spark(Path model, List<String> texts, int threads, int warm) {
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder()
                .master("local-cluster[1," + threads + ",2048]").appName("logprobs4j-bench-batch")
                .config("spark.executor.memory", "1536m")
                .config("spark.task.cpus", Integer.toString(threads))
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.executor.extraJavaOptions", "-Xss4m")
                .config("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"))
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .config("spark.ui.enabled", "false")
                .getOrCreate();
        try {
            List<org.apache.spark.sql.Row> rows = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                rows.add(org.apache.spark.sql.RowFactory.create("row-" + i, texts.get(i)));
            }
            org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                    .add("id", "string").add("text", "string");
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> ds = spark.createDataFrame(rows, schema).repartition(2).cache();
            ds.count();
            // The transformer's default rows in flight, as the batch leg uses the CLI's.
            LogprobsTransformer t = new LogprobsTransformer().setInputCol("text").setOutputCol("lp").setModelPath(model.toString())
                    .setThreads(threads);
            // Loads the executor's engine and warms it up (the whole file: on the same partitions as the timed job).
            t.transform(warm >= texts.size() ? ds : ds.limit(warm)).select("lp.token_count").collectAsList();
            long t0 = System.nanoTime();
            List<org.apache.spark.sql.Row> out = t.transform(ds).select("lp.token_count", "lp.unscored").collectAsList();
            double sec = (System.nanoTime() - t0) / 1e9;
            long tokens = 0;
            for (org.apache.spark.sql.Row r : out) {
                // the same count as batch: BOS-less models' unscored first token plus the scored ones
                tokens += r.getInt(0) + r.getList(1).size();
            }
            System.out.println("RESULT rows_per_s " + out.size() / sec);
            System.out.println("RESULT tokens_per_s " + tokens / sec);
        } finally {
            spark.stop();
        }
    }
}
