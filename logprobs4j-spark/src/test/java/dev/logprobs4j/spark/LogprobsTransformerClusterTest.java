package dev.logprobs4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import dev.logprobs4j.spark.internal.LocalRowModel;
import dev.logprobs4j.spark.internal.PartitionRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformer on a real multi-process cluster: {@code local-cluster[2,1,1024]} runs two
 * executors as separate JVMs. Answers must equal the single-process {@link LocalChatModel}'s row by
 * row, survive an executor killed mid-job, and a bad model file must fail with the GGUF message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogprobsTransformerClusterTest {

    private static final StructType INPUT = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.StringType);

    @TempDir
    static Path dir;

    static SparkSession spark;
    static Path model;
    static LocalChatModel local;
    static Dataset<Row> texts;
    /** Fewer rows for the slower modes (generation, one scoring pass per label). */
    static Dataset<Row> few;

    @BeforeAll
    static void startCluster() throws IOException {
        model = findModel();
        String sparkHome = System.getenv("SPARK_HOME");
        Files.createDirectories(Path.of(sparkHome, "jars"));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("logprobs4j-spark-test")
                .config("spark.executor.memory", "512m")
                .config("spark.executor.extraClassPath", cp)
                .config("spark.executor.extraJavaOptions", "-Xss4m")
                .config("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"))
                .config("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.task.maxFailures", "4")
                .getOrCreate();
        // Executors register a moment after the session starts: wait for both.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (spark.sparkContext().getExecutorMemoryStatus().size() < 3 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        local = LocalChatModel.builder().modelPath(model).threads(1).build();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            rows.add(RowFactory.create("row-" + i, "Once upon a time there was a " + (i % 2 == 0 ? "cat" : "dog") + " named " + i + "."));
        }
        texts = spark.createDataFrame(rows, INPUT).repartition(4, col("id"));
        few = spark.createDataFrame(rows.subList(0, 8), INPUT).repartition(2, col("id"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
        if (spark != null) {
            spark.stop();
        }
    }

    private static LogprobsTransformer scorer() {
        return new LogprobsTransformer().setInputCol("text").setOutputCol("lp").setModelPath(model.toString())
                .setTopLogprobs(2).setThreads(1); // score: rows in flight by tokens, the default
    }

    @Test
    @Order(1)
    void scoreEqualsLocalChatModelRowByRowOnTwoExecutorJvms() {
        assertThat(spark.sparkContext().getExecutorMemoryStatus().size()).as("driver + 2 executors").isEqualTo(3);
        List<Row> out = scorer().transform(texts).collectAsList();
        assertThat(out).hasSize(24);
        for (Row r : out) {
            PromptScore expected = local.score(r.getString(1), 2);
            Row lp = r.getStruct(2);
            assertThat(lp.isNullAt(6)).as("error").isTrue();
            List<Row> tokens = lp.getList(1);
            assertThat(tokens).hasSize(expected.scored().size());
            for (int i = 0; i < tokens.size(); i++) {
                TokenLogprob t = expected.scored().content().get(i);
                assertThat(tokens.get(i).getString(0)).isEqualTo(t.token());
                assertThat(tokens.get(i).getDouble(2)).as(r.getString(0) + " token " + i).isEqualTo(t.logprob());
                List<Row> alts = tokens.get(i).getList(3);
                assertThat(alts).hasSize(2);
                assertThat(alts.get(0).getDouble(2)).isEqualTo(t.topLogprobs().get(0).logprob());
            }
            assertThat(lp.getInt(2)).isEqualTo(expected.scored().size());
            assertThat(lp.getDouble(3)).isEqualTo(expected.totalLogprob());
            assertThat(lp.getDouble(5)).isEqualTo(expected.perplexity());
        }
    }

    @Test
    @Order(2)
    void generateWithRowSeedsAndClassifyEqualLocalChatModel() {
        LogprobsTransformer gen = new LogprobsTransformer().setMode("generate").setInputCol("text").setOutputCol("answer")
                .setKeyCol("id").setModelPath(model.toString()).setMaxTokens(8).setTemperature(0.9).setSeed(7).setThreads(1);
        List<Row> out = gen.transform(few).collectAsList();
        assertThat(out).hasSize(8);
        for (Row r : out) {
            long seed = PartitionRunner.seed(r.getString(0), 7);
            AIMessage expected = local.invoke(List.of(Message.human(r.getString(1))),
                    ChatOptions.builder().maxTokens(8).temperature(0.9).seed(seed).logprobs(true).topLogprobs(0).build());
            Row a = r.getStruct(2);
            assertThat(a.getString(0)).as(r.getString(0)).isEqualTo(expected.content());
            assertThat(a.getLong(6)).isEqualTo(seed);
            List<Row> tokens = a.getList(2);
            assertThat(tokens).hasSize(expected.logprobs().size());
            for (int i = 0; i < tokens.size(); i++) {
                assertThat(tokens.get(i).getDouble(2)).isEqualTo(expected.logprobs().content().get(i).logprob());
            }
        }

        LogprobsTransformer cls = new LogprobsTransformer().setMode("classify").setInputCol("text").setOutputCol("c")
                .setLabels(" She", " He").setModelPath(model.toString()).setThreads(1);
        LocalRowModel oracle = new LocalRowModel(local);
        List<Row> classified = cls.transform(few).collectAsList();
        assertThat(classified).hasSize(8);
        for (Row r : classified) {
            double[] expected = oracle.classify(r.getString(1), List.of(" She", " He"));
            List<Row> labels = r.getStruct(2).getList(1);
            double sum = 0;
            assertThat(r.getStruct(2).getString(0)).isEqualTo(expected[0] >= expected[1] ? " She" : " He");
            for (int i = 0; i < 2; i++) {
                assertThat(labels.get(i).getDouble(1)).isEqualTo(expected[i]);
                sum += labels.get(i).getDouble(2);
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    @Order(3)
    void aCorruptOrMissingModelFailsWithTheGgufMessage() throws IOException {
        Path corrupt = dir.resolve("corrupt.gguf");
        Files.write(corrupt, "this is not a GGUF file, just some text that is long enough".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> scorer().setModelPath(corrupt.toString()).transform(texts).count())
                .isInstanceOf(GgufFormatException.class).hasMessageStartingWith("corrupt.gguf: byte 0: not a GGUF file");
        Path missing = dir.resolve("missing.gguf");
        assertThatThrownBy(() -> scorer().setModelPath(missing.toString()).transform(texts).count())
                .isInstanceOf(GgufFormatException.class).hasMessageContaining("missing.gguf").hasMessageContaining("does not exist");
    }

    @Test
    @Order(4)
    void paramsSurviveAPipelineSaveAndLoad() throws IOException {
        LogprobsTransformer t = scorer().setMode("classify").setLabels(" yes", " no").setSeed(42).setConcurrency(4);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {t}).fit(texts);
        Path saved = dir.resolve("pipeline");
        fitted.write().save(saved.toString());
        LogprobsTransformer back = (LogprobsTransformer) PipelineModel.load(saved.toString()).stages()[0];
        assertThat(back.uid()).isEqualTo(t.uid());
        assertThat(back.getOrDefault(back.labels())).containsExactly(" yes", " no");
        assertThat((Long) back.getOrDefault(back.seed())).isEqualTo(42L);
        assertThat(back.getOrDefault(back.modelPath())).isEqualTo(model.toString());
    }

    @Test
    @Order(5)
    void anExecutorKilledMidJobIsRetriedAndTheOutputIsCompleteAndIdentical() throws Exception {
        List<Row> reference = scorer().transform(texts).collectAsList();
        Path log = dir.resolve("attempts.log");
        Files.createFile(log);
        Dataset<Row> marked = texts.mapPartitions(new MarkAttempt(log.toString()), org.apache.spark.sql.Encoders.row(INPUT));
        Thread killer = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (Files.readAllLines(log).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                long pid = Long.parseLong(Files.readAllLines(log).get(0).split(" ")[0]);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        killer.start();
        List<Row> out = scorer().transform(marked).collectAsList();
        killer.join();
        List<String> attempts = Files.readAllLines(log);
        // Retried after the kill: as a later attempt of the task, or in a resubmitted stage.
        assertThat(attempts.stream().map(l -> l.split(" ")[1]).distinct().count()).as(attempts.toString())
                .isLessThan(attempts.size());
        assertThat(attempts.stream().map(l -> l.split(" ")[0]).distinct().count()).as("executor JVMs that ran tasks").isGreaterThanOrEqualTo(2);
        assertThat(sorted(out)).isEqualTo(sorted(reference));
    }

    private static List<String> sorted(List<Row> rows) {
        return rows.stream().map(LogprobsTransformerClusterTest::render).sorted().toList();
    }

    /** A row's full content as text (Row.toString prints byte arrays by identity). */
    private static String render(Object v) {
        if (v instanceof Row r) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < r.length(); i++) {
                sb.append(i == 0 ? "" : ",").append(render(r.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof byte[] b) {
            return java.util.Arrays.toString(b);
        }
        if (v instanceof scala.collection.Seq<?> seq) {
            StringBuilder sb = new StringBuilder("(");
            scala.collection.Iterator<?> it = seq.iterator();
            while (it.hasNext()) {
                sb.append(render(it.next())).append(';');
            }
            return sb.append(')').toString();
        }
        return String.valueOf(v);
    }

    /** Logs "pid partition attempt" as a task starts, then holds a first attempt long enough to be killed. */
    static final class MarkAttempt implements MapPartitionsFunction<Row, Row> {
        private final String log;

        MarkAttempt(String log) {
            this.log = log;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) throws Exception {
            org.apache.spark.TaskContext t = org.apache.spark.TaskContext.get();
            Files.writeString(Path.of(log), ProcessHandle.current().pid() + " " + t.partitionId() + " " + t.attemptNumber() + "\n",
                    StandardOpenOption.APPEND);
            if (t.attemptNumber() == 0) {
                Thread.sleep(1500);
            }
            return rows;
        }
    }

    static Path findModel() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared/models/stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("shared/models/stories260K.gguf not found above " + Path.of("").toAbsolutePath());
    }
}
