package dev.logprobs4j.spark;

import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.spark.internal.PartitionRunner;
import dev.logprobs4j.spark.internal.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Token logprobs as a Spark ML {@link Transformer}: appends one struct column ({@link LogprobsSchema})
 * per row of the input column.
 *
 * <ul>
 *   <li>{@code mode = "score"}: the prompt logprobs of a text column;</li>
 *   <li>{@code mode = "generate"}: the answer to a prompt (string) or messages
 *       ({@code array<struct<role, content>>}) column, with its tokens' logprobs;</li>
 *   <li>{@code mode = "classify"}: the probability of each of {@code labels} as the continuation of
 *       a prompt column.</li>
 * </ul>
 *
 * <p>Backends: the in-process engine ({@code modelPath}: a GGUF path on every node or a file name
 * shipped with {@code SparkContext.addFile}), loaded once per executor JVM and shared by its tasks;
 * or an OpenAI-compatible endpoint ({@code baseUrl}, e.g. a vLLM cluster), with {@code concurrency}
 * requests in flight per task. Rows of a partition run {@code concurrency} at a time so that the
 * engine batches them (scoring on the local engine without a set {@code concurrency}: rows while
 * their texts total at most {@value #SCORE_TOKENS} tokens). Sampling seeds derive from each row's key ({@code keyCol}, default the
 * input), so a retried task writes the same output.
 *
 * {@snippet :
 * Dataset<Row> scored = new LogprobsTransformer().setInputCol("text").setOutputCol("lp")
 *         .setModelPath("/models/Llama-3.2-1B-Instruct-Q8_0.gguf").transform(texts);
 * scored.select("text", "lp.perplexity").show();
 * }
 *
 * <p>Set {@code spark.task.cpus} to {@code spark.executor.cores}: the engine already uses every
 * core of its executor. Params are mutable (Spark's convention); {@code transform} reads them once.
 */
public final class LogprobsTransformer extends Transformer implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    /**
     * Scoring tokens a partition keeps in flight on the local engine when {@code concurrency} is
     * not set: enough to fill several of the engine's shared forward passes (128 rows each for a
     * large vocabulary) whatever the text length; a row count that fills them with short texts
     * would hold hundreds of sessions of long ones.
     */
    static final int SCORE_TOKENS = 512;

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> mode;
    private final Param<String> modelPath;
    private final Param<String> baseUrl;
    private final Param<String> endpointModel;
    private final Param<String> apiKeyEnv;
    private final Param<String> keyCol;
    private final StringArrayParam labels;
    private final IntParam maxTokens;
    private final DoubleParam temperature;
    private final IntParam topLogprobs;
    private final LongParam seed;
    private final IntParam concurrency;
    private final IntParam threads;
    private final IntParam contextLength;

    public LogprobsTransformer() {
        this(Identifiable.randomUID("logprobs"));
    }

    public LogprobsTransformer(String uid) {
        this.uid = uid; // first: Params take their parent from uid()
        inputCol = new Param<>(this, "inputCol", "the text, prompt or messages column");
        outputCol = new Param<>(this, "outputCol", "the struct column to append (default logprobs)");
        mode = new Param<>(this, "mode", "score, generate or classify (default score)",
                ParamValidators.inArray(new String[] {"score", "generate", "classify"}));
        modelPath = new Param<>(this, "modelPath", "local engine: a GGUF path on every node, or a file name added with SparkContext.addFile");
        baseUrl = new Param<>(this, "baseUrl", "an OpenAI-compatible endpoint, e.g. http://vllm:8000/v1, instead of the local engine");
        endpointModel = new Param<>(this, "endpointModel", "the model name sent to baseUrl");
        apiKeyEnv = new Param<>(this, "apiKeyEnv", "the executor environment variable holding baseUrl's key (default OPENAI_API_KEY)");
        keyCol = new Param<>(this, "keyCol", "the column rows' sampling seeds derive from (default: the input column)");
        labels = new StringArrayParam(this, "labels", "classify: the labels, as they continue the prompt");
        maxTokens = new IntParam(this, "maxTokens", "generate: the longest answer in tokens (default 64)", ParamValidators.gt(0));
        temperature = new DoubleParam(this, "temperature", "generate: sampling temperature, 0 greedy (default 0)", ParamValidators.gtEq(0));
        topLogprobs = new IntParam(this, "topLogprobs", "alternatives per token, 0..20 (default 0)", ParamValidators.inRange(0, 20));
        seed = new LongParam(this, "seed", "the run seed rows' seeds derive from (default 0)");
        concurrency = new IntParam(this, "concurrency", "rows of a partition in flight at once (default 8; score on the local"
                + " engine: rows while their texts total at most " + SCORE_TOKENS + " tokens)", ParamValidators.inRange(1, 1024));
        threads = new IntParam(this, "threads", "local engine threads per executor, 0 for all cores (default 0)", ParamValidators.gtEq(0));
        contextLength = new IntParam(this, "contextLength", "local engine context, 0 for the model's (default 0)", ParamValidators.gtEq(0));
        setDefault(outputCol, "logprobs");
        setDefault(mode, "score");
        setDefault(apiKeyEnv, "OPENAI_API_KEY");
        setDefault(labels, new String[0]);
        setDefault(maxTokens, 64);
        setDefault(temperature, 0.0);
        setDefault(topLogprobs, 0);
        setDefault(seed, 0L);
        setDefault(concurrency, 8);
        setDefault(threads, 0);
        setDefault(contextLength, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params: one public no-arg accessor each (Spark finds params by reflection) ----

    public Param<String> inputCol() { return inputCol; }
    public Param<String> outputCol() { return outputCol; }
    public Param<String> mode() { return mode; }
    public Param<String> modelPath() { return modelPath; }
    public Param<String> baseUrl() { return baseUrl; }
    public Param<String> endpointModel() { return endpointModel; }
    public Param<String> apiKeyEnv() { return apiKeyEnv; }
    public Param<String> keyCol() { return keyCol; }
    public StringArrayParam labels() { return labels; }
    public IntParam maxTokens() { return maxTokens; }
    public DoubleParam temperature() { return temperature; }
    public IntParam topLogprobs() { return topLogprobs; }
    public LongParam seed() { return seed; }
    public IntParam concurrency() { return concurrency; }
    public IntParam threads() { return threads; }
    public IntParam contextLength() { return contextLength; }

    public LogprobsTransformer setInputCol(String v) { set(inputCol, v); return this; }
    public LogprobsTransformer setOutputCol(String v) { set(outputCol, v); return this; }
    public LogprobsTransformer setMode(String v) { set(mode, v); return this; }
    public LogprobsTransformer setModelPath(String v) { set(modelPath, v); return this; }
    public LogprobsTransformer setBaseUrl(String v) { set(baseUrl, v); return this; }
    public LogprobsTransformer setEndpointModel(String v) { set(endpointModel, v); return this; }
    public LogprobsTransformer setApiKeyEnv(String v) { set(apiKeyEnv, v); return this; }
    public LogprobsTransformer setKeyCol(String v) { set(keyCol, v); return this; }
    public LogprobsTransformer setLabels(String... v) { set(labels, v); return this; }
    public LogprobsTransformer setMaxTokens(int v) { set(maxTokens, v); return this; }
    public LogprobsTransformer setTemperature(double v) { set(temperature, v); return this; }
    public LogprobsTransformer setTopLogprobs(int v) { set(topLogprobs, v); return this; }
    public LogprobsTransformer setSeed(long v) { set(seed, v); return this; }
    public LogprobsTransformer setConcurrency(int v) { set(concurrency, v); return this; }
    public LogprobsTransformer setThreads(int v) { set(threads, v); return this; }
    public LogprobsTransformer setContextLength(int v) { set(contextLength, v); return this; }

    @Override
    public StructType transformSchema(StructType schema) {
        String in = required(inputCol, "inputCol");
        String m = $(mode);
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(in)) {
            throw new IllegalArgumentException("inputCol '" + in + "' is not a column; the columns are " + names);
        }
        DataType type = schema.apply(in).dataType();
        boolean isString = type.equals(DataTypes.StringType);
        if (!isString && !(m.equals("generate") && isMessages(type))) {
            throw new IllegalArgumentException("inputCol '" + in + "' has type " + type.simpleString() + "; mode " + m + " needs string"
                    + (m.equals("generate") ? " or array<struct<role: string, content: string>>" : ""));
        }
        if (isSet(keyCol) && !names.contains($(keyCol))) {
            throw new IllegalArgumentException("keyCol '" + $(keyCol) + "' is not a column; the columns are " + names);
        }
        if (names.contains($(outputCol))) {
            throw new IllegalArgumentException("outputCol '" + $(outputCol) + "' exists already: choose another name");
        }
        if (m.equals("classify") && $(labels).length < 2) {
            throw new IllegalArgumentException("mode classify needs labels: at least two, e.g. setLabels(\" yes\", \" no\")");
        }
        if (isSet(modelPath) == isSet(baseUrl)) {
            throw new IllegalArgumentException("set exactly one of modelPath (the local engine) and baseUrl (an OpenAI-compatible endpoint)");
        }
        if (isSet(baseUrl) && !isSet(endpointModel)) {
            throw new IllegalArgumentException("baseUrl needs endpointModel: the model name the endpoint serves");
        }
        return schema.add(new StructField($(outputCol), LogprobsSchema.of(m), false, org.apache.spark.sql.types.Metadata.empty()));
    }

    /**
     * The input with the output column appended; lazy (no job, no model load on the driver). When
     * the driver can see {@code modelPath}, its GGUF header is checked here first, so a corrupt or
     * missing file fails at once with a {@link dev.logprobs4j.gguf.GgufFormatException} rather than
     * after four task attempts.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        if (isSet(modelPath)) {
            checkOnDriver($(modelPath));
        }
        StructType in = dataset.schema();
        String inCol = $(inputCol);
        RunSpec spec = new RunSpec($(mode), isSet(modelPath) ? $(modelPath) : null, isSet(baseUrl) ? $(baseUrl) : null,
                isSet(endpointModel) ? $(endpointModel) : null, $(apiKeyEnv), (Integer) $(threads), (Integer) $(contextLength),
                (Integer) $(concurrency), $(mode).equals("score") && isSet(modelPath) && !isSet(concurrency) ? SCORE_TOKENS : 0,
                (Integer) $(maxTokens), (Double) $(temperature), (Integer) $(topLogprobs), (Long) $(seed),
                List.of($(labels)), in.fieldIndex(inCol), !in.apply(inCol).dataType().equals(DataTypes.StringType),
                isSet(keyCol) ? in.fieldIndex($(keyCol)) : -1);
        return dataset.toDF().mapPartitions(new PartitionRunner(spec), Encoders.row(out));
    }

    private static void checkOnDriver(String modelPath) {
        Path p = Path.of(modelPath);
        if (p.isAbsolute() && !Files.exists(p)) {
            // An absolute path must exist on every node, the driver's included.
            throw new dev.logprobs4j.gguf.GgufFormatException(p, -1,
                    "the model file does not exist (modelPath must be present on every node, or a file name added with SparkContext.addFile)");
        }
        if (Files.isRegularFile(p)) {
            try (GgufFile ignored = GgufFile.open(p)) {
                // header parsed: the executors will load the same bytes
            }
        }
    }

    @Override
    public LogprobsTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads a transformer saved with {@code write().save(path)}; {@code PipelineModel.load} calls it reflectively. */
    public static MLReader<LogprobsTransformer> read() {
        return new DefaultParamsReader<>();
    }

    /** The transformer saved at {@code path}. */
    public static LogprobsTransformer load(String path) {
        return read().load(path);
    }

    private String required(Param<String> p, String name) {
        if (!isDefined(p)) {
            throw new IllegalArgumentException(name + " is not set: call set" + Character.toUpperCase(name.charAt(0)) + name.substring(1) + "(...)");
        }
        return $(p);
    }

    private static boolean isMessages(DataType type) {
        if (!(type instanceof ArrayType a) || !(a.elementType() instanceof StructType s)) {
            return false;
        }
        List<String> f = Arrays.asList(s.fieldNames());
        return f.contains("role") && f.contains("content");
    }
}
