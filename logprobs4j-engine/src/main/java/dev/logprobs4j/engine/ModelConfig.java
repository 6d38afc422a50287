package dev.logprobs4j.engine;

import java.util.Objects;

/**
 * Hyperparameters of a decoder-only transformer, as read from GGUF metadata and tensor shapes.
 *
 * <p>Immutable and thread-safe.
 *
 * @param architecture {@code general.architecture}: {@code llama}, {@code qwen2} or {@code qwen3}
 * @param vocabularySize rows of {@code token_embd.weight}
 * @param embeddingLength {@code {arch}.embedding_length}, the residual width
 * @param blockCount {@code {arch}.block_count}, number of layers
 * @param headCount {@code {arch}.attention.head_count}, query heads
 * @param headCountKv {@code {arch}.attention.head_count_kv}, key/value heads (GQA when fewer)
 * @param keyLength {@code {arch}.attention.key_length}, per-head query/key width (default embeddingLength / headCount)
 * @param valueLength {@code {arch}.attention.value_length}, per-head value width (default keyLength)
 * @param feedForwardLength {@code {arch}.feed_forward_length}
 * @param contextLength {@code {arch}.context_length}, the trained context
 * @param rmsNormEpsilon {@code {arch}.attention.layer_norm_rms_epsilon}
 * @param ropeFreqBase {@code {arch}.rope.freq_base} (default 10000)
 * @param ropeFreqScale 1 / {@code {arch}.rope.scaling.factor} for linear scaling, else 1
 * @param ropeDimensionCount {@code {arch}.rope.dimension_count}: leading dims of each head that rotate (default keyLength)
 * @param ropeType pair layout of the rotation
 * @param ropeFrequencyFactors whether a {@code rope_freqs.weight} tensor (Llama 3.1+ scaling) divides the frequencies
 * @param attentionBias whether q/k/v projections have biases (qwen2)
 * @param queryKeyNorm whether q and k get a per-head RMSNorm before RoPE (qwen3)
 * @param tiedEmbeddings whether the output projection reuses {@code token_embd.weight}
 */
public record ModelConfig(
        String architecture,
        int vocabularySize,
        int embeddingLength,
        int blockCount,
        int headCount,
        int headCountKv,
        int keyLength,
        int valueLength,
        int feedForwardLength,
        int contextLength,
        float rmsNormEpsilon,
        float ropeFreqBase,
        float ropeFreqScale,
        int ropeDimensionCount,
        RopeType ropeType,
        boolean ropeFrequencyFactors,
        boolean attentionBias,
        boolean queryKeyNorm,
        boolean tiedEmbeddings) {

    /** Validates that every size is positive and heads divide evenly. */
    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(ropeType, "ropeType");
        positive("vocabularySize", vocabularySize);
        positive("embeddingLength", embeddingLength);
        positive("blockCount", blockCount);
        positive("headCount", headCount);
        positive("headCountKv", headCountKv);
        positive("keyLength", keyLength);
        positive("valueLength", valueLength);
        positive("feedForwardLength", feedForwardLength);
        positive("contextLength", contextLength);
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException("headCount (" + headCount + ") must be a multiple of headCountKv (" + headCountKv + ")");
        }
        if (ropeDimensionCount <= 0 || ropeDimensionCount > keyLength || ropeDimensionCount % 2 != 0) {
            throw new IllegalArgumentException("ropeDimensionCount must be even and within [2, keyLength=" + keyLength + "], is "
                    + ropeDimensionCount);
        }
        if (!(rmsNormEpsilon > 0) || !(ropeFreqBase > 0) || !(ropeFreqScale > 0)) {
            throw new IllegalArgumentException("rmsNormEpsilon, ropeFreqBase and ropeFreqScale must be > 0, are "
                    + rmsNormEpsilon + ", " + ropeFreqBase + ", " + ropeFreqScale);
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be > 0, is " + v);
        }
    }

    /** Width of all query heads together: {@code headCount * keyLength}. */
    public int queryDim() {
        return headCount * keyLength;
    }

    /** Width of all key heads together: {@code headCountKv * keyLength}. */
    public int keyDim() {
        return headCountKv * keyLength;
    }

    /** Width of all value heads together: {@code headCountKv * valueLength}. */
    public int valueDim() {
        return headCountKv * valueLength;
    }
}
