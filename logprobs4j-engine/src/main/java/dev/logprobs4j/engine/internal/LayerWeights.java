package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.tensor.WeightMatrix;

/**
 * Weights of one transformer block. Immutable after loading (the arrays are never written) and thread-safe.
 *
 * @param attnNorm   (dim) RMSNorm weight before attention
 * @param wq         (queryDim x dim)
 * @param wk         (keyDim x dim)
 * @param wv         (valueDim x dim)
 * @param wo         (dim x headCount*valueLength)
 * @param bq         (queryDim) or null
 * @param bk         (keyDim) or null
 * @param bv         (valueDim) or null
 * @param qNorm      (keyLength) per-head RMSNorm weight for queries, or null
 * @param kNorm      (keyLength) per-head RMSNorm weight for keys, or null
 * @param ffnNorm    (dim) RMSNorm weight before the feed-forward network
 * @param wGate      (ffn x dim)
 * @param wUp        (ffn x dim)
 * @param wDown      (dim x ffn)
 * @param attnPostNorm (dim) RMSNorm weight on the attention output before the residual add, or null
 * @param ffnPostNorm  (dim) RMSNorm weight on the feed-forward output before the residual add, or null
 */
public record LayerWeights(
        float[] attnNorm,
        WeightMatrix wq,
        WeightMatrix wk,
        WeightMatrix wv,
        WeightMatrix wo,
        float[] bq,
        float[] bk,
        float[] bv,
        float[] qNorm,
        float[] kNorm,
        float[] ffnNorm,
        WeightMatrix wGate,
        WeightMatrix wUp,
        WeightMatrix wDown,
        float[] attnPostNorm,
        float[] ffnPostNorm) {}
