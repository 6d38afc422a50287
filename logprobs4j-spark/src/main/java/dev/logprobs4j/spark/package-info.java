/**
 * Token logprobs in Apache Spark: {@link dev.logprobs4j.spark.LogprobsTransformer}, a Spark ML
 * {@code Transformer} that scores texts, generates answers or ranks labels with the in-process engine
 * (one per executor JVM) or an OpenAI-compatible endpoint, and {@link dev.logprobs4j.spark.LogprobsSchema},
 * the output column types. Everything in {@code internal} may change without notice.
 */
package dev.logprobs4j.spark;
