package dev.logprobs4j.engine;

import java.util.Objects;

/**
 * Hyperparameters of a decoder-only transformer, as read from GGUF metadata and tensor shapes.
 *
 * <p>Immutable and thread-safe.
 *
 * @param architecture {@code general.architecture}: {@code llama}, {@code qwen2}, {@code qwen3}, {@code gemma},
 *     {@code gemma2}, {@code gemma3}, {@code phi3} or {@code smollm3}
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
 * @param embeddingScale factor on the token embeddings: sqrt(embeddingLength) for Gemma, else 1
 * @param geluFeedForward whether the feed-forward gate uses GELU (tanh form, GeGLU: Gemma) instead of SiLU (SwiGLU)
 * @param postNorms whether attention and feed-forward outputs get their own RMSNorm before the residual add (gemma2, gemma3)
 * @param attentionScale factor on q·k before the softmax (1/sqrt(keyLength) unless the architecture says otherwise)
 * @param attentionSoftcap {@code c} of {@code c·tanh(s/c)} on the scaled attention scores, or 0 for none (gemma2)
 * @param finalSoftcap {@code c} of {@code c·tanh(z/c)} on the output logits, or 0 for none (gemma2)
 * @param slidingWindow positions a sliding-window layer sees (itself included), or 0 when no layer slides
 * @param slidingWindowPattern period {@code n} of the layer pattern: layer {@code l} slides iff {@code l % n < n - 1}
 *     (gemma2: 2, gemma3: 6); 0 makes every layer slide when there is a window (phi3)
 * @param slidingRopeFreqBase RoPE base of sliding layers when it differs from {@code ropeFreqBase} (gemma3: 10000,
 *     unscaled), or 0 when every layer uses the global one
 * @param ropeAttentionFactor {@code {arch}.rope.scaling.attn_factor}: multiplies the rotated dimensions of q and k (phi3 LongRoPE)
 * @param noRopeLayerStep smollm3: every {@code n}-th layer ({@code (l + 1) % n == 0}) skips RoPE (llama.cpp fixes n = 4), or 0
 * @param ropeOriginalContext {@code {arch}.rope.scaling.original_context_length}: sessions longer than this use the long
 *     rope factors when the file has both sets (phi3), else 0
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
        boolean tiedEmbeddings,
        float embeddingScale,
        boolean geluFeedForward,
        boolean postNorms,
        float attentionScale,
        float attentionSoftcap,
        float finalSoftcap,
        int slidingWindow,
        int slidingWindowPattern,
        float slidingRopeFreqBase,
        float ropeAttentionFactor,
        int ropeOriginalContext,
        int noRopeLayerStep) {

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
        if (!(embeddingScale > 0) || !(attentionScale > 0) || !(ropeAttentionFactor > 0)) {
            throw new IllegalArgumentException("embeddingScale, attentionScale and ropeAttentionFactor must be > 0, are "
                    + embeddingScale + ", " + attentionScale + ", " + ropeAttentionFactor);
        }
        if (!(attentionSoftcap >= 0) || !(finalSoftcap >= 0) || !(slidingRopeFreqBase >= 0)) {
            throw new IllegalArgumentException("attentionSoftcap, finalSoftcap and slidingRopeFreqBase must be >= 0, are "
                    + attentionSoftcap + ", " + finalSoftcap + ", " + slidingRopeFreqBase);
        }
        if (slidingWindow < 0 || slidingWindowPattern < 0 || ropeOriginalContext < 0 || noRopeLayerStep < 0) {
            throw new IllegalArgumentException("slidingWindow, slidingWindowPattern and ropeOriginalContext must be >= 0, are "
                    + slidingWindow + ", " + slidingWindowPattern + ", " + ropeOriginalContext + ", noRopeLayerStep " + noRopeLayerStep);
        }
    }

    /** Whether layer {@code l} rotates q and k (all but smollm3's no-RoPE layers). */
    public boolean ropeLayer(int l) {
        return noRopeLayerStep == 0 || (l + 1) % noRopeLayerStep != 0;
    }

    /** Whether layer {@code l} attends over the last {@link #slidingWindow} positions only. */
    public boolean slidingLayer(int l) {
        return slidingWindow > 0 && (slidingWindowPattern == 0 || l % slidingWindowPattern < slidingWindowPattern - 1);
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
