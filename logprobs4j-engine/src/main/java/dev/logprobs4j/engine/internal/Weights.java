package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.tensor.WeightMatrix;
import java.util.List;

/**
 * All weights of a model. Immutable after loading and thread-safe.
 *
 * @param tokenEmbedding (vocab x dim)
 * @param layers         one entry per block
 * @param outputNorm     (dim)
 * @param output         (vocab x dim); the same object as tokenEmbedding when embeddings are tied
 * @param ropeFreqFactors (ropeDims/2) divisors of the rotary frequencies, or null (phi3: the short factors)
 * @param ropeFreqFactorsLong (ropeDims/2) phi3's long factors for sessions beyond the original context, or null
 */
public record Weights(
        WeightMatrix tokenEmbedding, List<LayerWeights> layers, float[] outputNorm, WeightMatrix output, float[] ropeFreqFactors,
        float[] ropeFreqFactorsLong) {}
