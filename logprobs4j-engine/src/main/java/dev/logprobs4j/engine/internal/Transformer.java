package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.KvCacheType;
import dev.logprobs4j.engine.ModelConfig;
import dev.logprobs4j.engine.RopeType;
import dev.logprobs4j.engine.tensor.MatMul;

/**
 * Forward pass of a Llama/Qwen-style decoder over a batch of consecutive tokens, with its KV cache
 * and every activation buffer preallocated, so that decoding allocates nothing per token.
 *
 * <p>Not thread-safe: one instance belongs to one session. Matrix products go through
 * {@link MatMul}, which splits work by output rows; everything else runs on the calling thread.
 */
public final class Transformer {
    /** Tokens pushed through the layers together during prefill: each weight row is read once per batch. */
    public static final int MAX_BATCH = 32;

    private final ModelConfig c;
    private final int threads;
    private final boolean halfAttention;
    private final Weights w;
    private final int contextLength;
    private final int dim;
    private final int qDim;
    private final int kDim;
    private final int vDim;
    private final int attnOutDim;
    private final int ffn;
    private final int headSize;
    private final int valueSize;
    private final int groupSize;
    private final float attentionScale;

    private final float[][] keyCache; // (layer, position, kDim)
    private final float[][] valueCache; // (layer, position, vDim)
    private final float[] ropeCos; // (position, ropeDims/2)
    private final float[] ropeSin; // (position, ropeDims/2)

    private final float[] x; // (batch, dim) residual stream
    private final float[] xb; // (batch, dim) normed input of a sub-layer
    private final float[] xb2; // (batch, dim) output of a sub-layer
    private final float[] q; // (batch, qDim)
    private final float[] k; // (batch, kDim)
    private final float[] v; // (batch, vDim)
    private final float[] att; // (batch, headCount * valueLength) attention output
    private final float[] hb; // (batch, ffn) gate, then silu(gate) * up
    private final float[] hb2; // (batch, ffn) up
    private final float[] scores; // (contextLength) attention weights of one head
    private float[] batchLogits; // (batch, vocab), allocated on first use of all-position logits

    public Transformer(ModelConfig config, Weights weights, int contextLength, int threads, KvCacheType kvCacheType) {
        this.c = config;
        this.threads = threads;
        this.halfAttention = kvCacheType == KvCacheType.F16;
        this.w = weights;
        this.contextLength = contextLength;
        this.dim = config.embeddingLength();
        this.qDim = config.queryDim();
        this.kDim = config.keyDim();
        this.vDim = config.valueDim();
        this.attnOutDim = config.headCount() * config.valueLength();
        this.ffn = config.feedForwardLength();
        this.headSize = config.keyLength();
        this.valueSize = config.valueLength();
        this.groupSize = config.headCount() / config.headCountKv();
        this.attentionScale = (float) (1.0 / Math.sqrt(headSize));
        int layers = config.blockCount();
        keyCache = new float[layers][Math.multiplyExact(contextLength, kDim)];
        valueCache = new float[layers][Math.multiplyExact(contextLength, vDim)];
        int half = config.ropeDimensionCount() / 2;
        ropeCos = new float[Math.multiplyExact(contextLength, half)];
        ropeSin = new float[contextLength * half];
        // Angles in double: at late positions float angles would lose digits the model can see.
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(config.ropeFreqBase(), -2.0 * i / config.ropeDimensionCount()) * config.ropeFreqScale();
            if (weights.ropeFreqFactors() != null) {
                freq /= weights.ropeFreqFactors()[i];
            }
            for (int p = 0; p < contextLength; p++) {
                double theta = p * freq;
                ropeCos[p * half + i] = (float) Math.cos(theta);
                ropeSin[p * half + i] = (float) Math.sin(theta);
            }
        }
        x = new float[MAX_BATCH * dim];
        xb = new float[MAX_BATCH * Math.max(dim, attnOutDim)];
        xb2 = new float[MAX_BATCH * dim];
        q = new float[MAX_BATCH * qDim];
        k = new float[MAX_BATCH * kDim];
        v = new float[MAX_BATCH * vDim];
        att = new float[MAX_BATCH * attnOutDim];
        hb = new float[MAX_BATCH * ffn];
        hb2 = new float[MAX_BATCH * ffn];
        scores = new float[contextLength];
    }

    public int contextLength() {
        return contextLength;
    }

    /**
     * Runs {@code count <= MAX_BATCH} tokens at positions {@code startPos ..} through the model,
     * filling the KV cache, and writes the logits of the last token into {@code lastLogits}.
     * If {@code allLogits} is true the logits of every token are left in {@link #batchLogits()}
     * (row {@code b} for token {@code b}) instead.
     */
    public void forward(int[] tokens, int offset, int count, int startPos, float[] lastLogits, boolean allLogits) {
        int n = count;
        // Token embeddings, one row per token.
        for (int b = 0; b < n; b++) {
            w.tokenEmbedding().dequantizeRow(tokens[offset + b], x, b * dim);
        }
        for (int l = 0; l < c.blockCount(); l++) {
            LayerWeights lw = w.layers().get(l);
            // Attention: RMSNorm, q/k/v projections (+ biases), per-head q/k norm, RoPE.
            for (int b = 0; b < n; b++) {
                rmsNorm(xb, b * dim, x, b * dim, lw.attnNorm(), dim);
            }
            MatMul.matmul(lw.wq(), xb, 0, n, q, 0, threads);
            MatMul.matmul(lw.wk(), xb, 0, n, k, 0, threads);
            MatMul.matmul(lw.wv(), xb, 0, n, v, 0, threads);
            for (int b = 0; b < n; b++) {
                positionQkv(l, lw, q, b * qDim, k, b * kDim, v, b * vDim, startPos + b);
            }
            // Causal softmax(q k^T / sqrt(d)) v per head; query head h reads kv head h / groupSize.
            for (int b = 0; b < n; b++) {
                attention(l, q, b * qDim, att, b * attnOutDim, startPos + b);
            }
            MatMul.matmul(lw.wo(), att, 0, n, xb2, 0, threads);
            addInPlace(x, 0, xb2, n * dim);
            // Feed-forward: RMSNorm, down(silu(gate(x)) * up(x)).
            for (int b = 0; b < n; b++) {
                rmsNorm(xb, b * dim, x, b * dim, lw.ffnNorm(), dim);
            }
            MatMul.matmul(lw.wGate(), xb, 0, n, hb, 0, threads);
            MatMul.matmul(lw.wUp(), xb, 0, n, hb2, 0, threads);
            swiGlu(hb, hb2, n * ffn);
            MatMul.matmul(lw.wDown(), hb, 0, n, xb2, 0, threads);
            addInPlace(x, 0, xb2, n * dim);
        }
        // Final RMSNorm and the vocabulary projection, for the last token or all of them.
        if (allLogits) {
            for (int b = 0; b < n; b++) {
                rmsNorm(xb, b * dim, x, b * dim, w.outputNorm(), dim);
            }
            MatMul.matmul(w.output(), xb, 0, n, batchLogits(), 0, threads);
        } else {
            rmsNorm(xb, 0, x, (n - 1) * dim, w.outputNorm(), dim);
            MatMul.matmul(w.output(), xb, 0, 1, lastLogits, 0, threads);
        }
    }

    /** Logits of every token of the last {@code forward(..., true)} call: (batch, vocab). */
    public float[] batchLogits() {
        if (batchLogits == null) {
            batchLogits = new float[MAX_BATCH * c.vocabularySize()];
        }
        return batchLogits;
    }

    /**
     * Adds biases, normalises q/k per head and rotates them for {@code pos}, then appends k and v
     * to layer {@code layer}'s cache at {@code pos}. Shared by prefill and batched decode so that both
     * compute exactly the same floats.
     */
    public void positionQkv(int layer, LayerWeights lw, float[] q, int qOff, float[] k, int kOff, float[] v, int vOff, int pos) {
        if (lw.bq() != null) {
            addInPlace(q, qOff, lw.bq(), qDim);
            addInPlace(k, kOff, lw.bk(), kDim);
            addInPlace(v, vOff, lw.bv(), vDim);
        }
        for (int h = 0; h < c.headCount(); h++) {
            int o = qOff + h * headSize;
            if (lw.qNorm() != null) {
                rmsNorm(q, o, q, o, lw.qNorm(), headSize);
            }
            rope(q, o, pos);
        }
        for (int h = 0; h < c.headCountKv(); h++) {
            int o = kOff + h * headSize;
            if (lw.kNorm() != null) {
                rmsNorm(k, o, k, o, lw.kNorm(), headSize);
            }
            rope(k, o, pos);
        }
        // Append this token's key and value to the cache.
        System.arraycopy(k, kOff, keyCache[layer], pos * kDim, kDim);
        System.arraycopy(v, vOff, valueCache[layer], pos * vDim, vDim);
        if (halfAttention) {
            // llama.cpp stores K/V as F16 and converts q to F16 for the K·q product.
            toHalf(keyCache[layer], pos * kDim, kDim);
            toHalf(valueCache[layer], pos * vDim, vDim);
            toHalf(q, qOff, qDim);
        }
    }

    /**
     * Causal attention of the query at {@code q[qOff ..]} (position {@code pos}) over this cache's
     * positions {@code 0 ..= pos} of layer {@code layer}, written to {@code att[out ..]} (headCount * valueLength).
     */
    public void attention(int layer, float[] q, int qOff, float[] att, int out, int pos) {
        float[] kc = keyCache[layer];
        float[] vc = valueCache[layer];
        java.util.Arrays.fill(att, out, out + attnOutDim, 0f);
        for (int h = 0; h < c.headCount(); h++) {
            int qo = qOff + h * headSize;
            int kvh = h / groupSize;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= pos; t++) {
                int ko = t * kDim + kvh * headSize;
                float s = 0f;
                for (int i = 0; i < headSize; i++) {
                    s += q[qo + i] * kc[ko + i];
                }
                s *= attentionScale;
                scores[t] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int t = 0; t <= pos; t++) {
                float e = (float) Math.exp(scores[t] - max);
                scores[t] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            int ao = out + h * valueSize;
            for (int t = 0; t <= pos; t++) {
                float p = scores[t] * inv;
                int vo = t * vDim + kvh * valueSize;
                for (int i = 0; i < valueSize; i++) {
                    att[ao + i] += p * vc[vo + i];
                }
            }
        }
    }

    private void rope(float[] vec, int o, int pos) {
        int half = c.ropeDimensionCount() / 2;
        int base = pos * half;
        if (c.ropeType() == RopeType.NORMAL) {
            for (int i = 0; i < half; i++) {
                float cos = ropeCos[base + i];
                float sin = ropeSin[base + i];
                float x0 = vec[o + 2 * i];
                float x1 = vec[o + 2 * i + 1];
                vec[o + 2 * i] = x0 * cos - x1 * sin;
                vec[o + 2 * i + 1] = x0 * sin + x1 * cos;
            }
        } else {
            for (int i = 0; i < half; i++) {
                float cos = ropeCos[base + i];
                float sin = ropeSin[base + i];
                float x0 = vec[o + i];
                float x1 = vec[o + i + half];
                vec[o + i] = x0 * cos - x1 * sin;
                vec[o + i + half] = x0 * sin + x1 * cos;
            }
        }
    }

    private void rmsNorm(float[] out, int oo, float[] in, int io, float[] weight, int size) {
        rmsNorm(out, oo, in, io, weight, size, c.rmsNormEpsilon());
    }

    /** out = in / sqrt(mean(in^2) + eps) * weight; the sum of squares in double as ggml does. */
    static void rmsNorm(float[] out, int oo, float[] in, int io, float[] weight, int size, float eps) {
        double ss = 0;
        for (int i = 0; i < size; i++) {
            ss += (double) in[io + i] * in[io + i];
        }
        float scale = (float) (1.0 / Math.sqrt(ss / size + eps));
        for (int i = 0; i < size; i++) {
            out[oo + i] = in[io + i] * scale * weight[i];
        }
    }

    private static void toHalf(float[] a, int off, int n) {
        for (int i = 0; i < n; i++) {
            a[off + i] = Float.float16ToFloat(Float.floatToFloat16(a[off + i]));
        }
    }

    /** gate = silu(gate) * up, elementwise over {@code size} values. */
    static void swiGlu(float[] gate, float[] up, int size) {
        for (int i = 0; i < size; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    static void addInPlace(float[] a, int ao, float[] b, int size) {
        for (int i = 0; i < size; i++) {
            a[ao + i] += b[i];
        }
    }

}
