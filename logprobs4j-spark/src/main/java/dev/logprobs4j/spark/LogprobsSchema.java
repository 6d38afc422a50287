package dev.logprobs4j.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The output column types of {@link LogprobsTransformer}, one per mode. Every struct has an
 * {@code error} field: null when the row was answered, else why not (a text longer than the
 * context, a rejected request); the other fields are then null.
 *
 * <pre>
 * token   = struct&lt;token: string, bytes: binary, logprob: double,
 *                  top_logprobs: array&lt;struct&lt;token: string, bytes: binary, logprob: double&gt;&gt;&gt;
 * score   = struct&lt;unscored: array&lt;string&gt;, tokens: array&lt;token&gt;, token_count: int,
 *                  total_logprob: double, mean_logprob: double, perplexity: double, error: string&gt;
 * generate= struct&lt;text: string, finish_reason: string, tokens: array&lt;token&gt;, total_logprob: double,
 *                  prompt_tokens: long, completion_tokens: long, seed: long, error: string&gt;
 * classify= struct&lt;label: string, labels: array&lt;struct&lt;label: string, logprob: double, probability: double&gt;&gt;,
 *                  error: string&gt;
 * </pre>
 *
 * {@code token} mirrors {@link dev.logprobs4j.TokenLogprob}. In {@code score}, {@code unscored} are
 * the leading tokens nothing predicts (empty when the model starts texts with BOS). In
 * {@code classify}, {@code labels} follow the label set's order, {@code logprob} is the label's
 * joint logprob after the prompt and {@code probability} its share among the labels. Immutable.
 */
public final class LogprobsSchema {

    private LogprobsSchema() {
    }

    /** {@code struct<token, bytes, logprob>}: one alternative. */
    public static final StructType TOP_LOGPROB = new StructType(new StructField[] {
            DataTypes.createStructField("token", DataTypes.StringType, false),
            DataTypes.createStructField("bytes", DataTypes.BinaryType, false),
            DataTypes.createStructField("logprob", DataTypes.DoubleType, false)});

    /** One token with its alternatives, as {@link dev.logprobs4j.TokenLogprob}. */
    public static final StructType TOKEN = new StructType(new StructField[] {
            DataTypes.createStructField("token", DataTypes.StringType, false),
            DataTypes.createStructField("bytes", DataTypes.BinaryType, false),
            DataTypes.createStructField("logprob", DataTypes.DoubleType, false),
            DataTypes.createStructField("top_logprobs", DataTypes.createArrayType(TOP_LOGPROB, false), false)});

    /** The {@code score} mode's column. */
    public static final StructType SCORE = new StructType(new StructField[] {
            DataTypes.createStructField("unscored", DataTypes.createArrayType(DataTypes.StringType, false), true),
            DataTypes.createStructField("tokens", DataTypes.createArrayType(TOKEN, false), true),
            DataTypes.createStructField("token_count", DataTypes.IntegerType, true),
            DataTypes.createStructField("total_logprob", DataTypes.DoubleType, true),
            DataTypes.createStructField("mean_logprob", DataTypes.DoubleType, true),
            DataTypes.createStructField("perplexity", DataTypes.DoubleType, true),
            DataTypes.createStructField("error", DataTypes.StringType, true)});

    /** The {@code generate} mode's column. */
    public static final StructType GENERATE = new StructType(new StructField[] {
            DataTypes.createStructField("text", DataTypes.StringType, true),
            DataTypes.createStructField("finish_reason", DataTypes.StringType, true),
            DataTypes.createStructField("tokens", DataTypes.createArrayType(TOKEN, false), true),
            DataTypes.createStructField("total_logprob", DataTypes.DoubleType, true),
            DataTypes.createStructField("prompt_tokens", DataTypes.LongType, true),
            DataTypes.createStructField("completion_tokens", DataTypes.LongType, true),
            DataTypes.createStructField("seed", DataTypes.LongType, true),
            DataTypes.createStructField("error", DataTypes.StringType, true)});

    /** One label's share in the {@code classify} mode. */
    public static final StructType LABEL = new StructType(new StructField[] {
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("logprob", DataTypes.DoubleType, false),
            DataTypes.createStructField("probability", DataTypes.DoubleType, false)});

    /** The {@code classify} mode's column. */
    public static final StructType CLASSIFY = new StructType(new StructField[] {
            DataTypes.createStructField("label", DataTypes.StringType, true),
            DataTypes.createStructField("labels", DataTypes.createArrayType(LABEL, false), true),
            DataTypes.createStructField("error", DataTypes.StringType, true)});

    /** The column type of {@code mode}: {@code score}, {@code generate} or {@code classify}. */
    public static StructType of(String mode) {
        return switch (mode) {
            case "score" -> SCORE;
            case "generate" -> GENERATE;
            case "classify" -> CLASSIFY;
            default -> throw new IllegalArgumentException("mode must be score, generate or classify, was " + mode);
        };
    }
}
