/**
 * The transformer's executor side: the per-executor engine registry, the batched partition runner,
 * the local and HTTP backends and the label scorer. Not public API.
 */
package dev.logprobs4j.spark.internal;
