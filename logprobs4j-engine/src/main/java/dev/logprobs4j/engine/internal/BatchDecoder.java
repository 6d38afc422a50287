package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.ModelConfig;
import dev.logprobs4j.engine.tensor.MatMul;

/**
 * One decode step for several sequences at once: each brings one token, its own KV cache and its
 * own position; every weight matrix is multiplied with all of their activation rows in one
 * {@link MatMul#matmul} call, so the weights are streamed from memory once per step instead of once
 * per sequence.
 *
 * <p>Not thread-safe. The activation buffers grow to the largest batch seen and are then reused,
 * so a step of a batch size already seen allocates nothing. Per-token work (RoPE, q/k norms, cache
 * append, attention) is the same {@link Transformer} code the single-sequence path runs, and
 * {@link MatMul} computes every output with one row-dot call whatever the batch, so each sequence
 * gets bit-for-bit the logits it would get decoding alone.
 */
public final class BatchDecoder {
    private final ModelConfig c;
    private final Weights w;
    private final int threads;
    private final int dim;
    private final int qDim;
    private final int kDim;
    private final int vDim;
    private final int attnOutDim;
    private final int ffn;
    private final int vocab;

    private int capacity;
    private float[] x; // (batch, dim) residual stream
    private float[] xb; // (batch, max(dim, attnOutDim)) normed input of a sub-layer
    private float[] xb2; // (batch, dim) output of a sub-layer
    private float[] q; // (batch, qDim)
    private float[] k; // (batch, kDim)
    private float[] v; // (batch, vDim)
    private float[] att; // (batch, attnOutDim) attention output
    private float[] hb; // (batch, ffn) gate, then silu(gate) * up
    private float[] hb2; // (batch, ffn) up
    private float[] logits; // (batch, vocab)

    public BatchDecoder(ModelConfig config, Weights weights, int threads) {
        this.c = config;
        this.w = weights;
        this.threads = threads;
        this.dim = config.embeddingLength();
        this.qDim = config.queryDim();
        this.kDim = config.keyDim();
        this.vDim = config.valueDim();
        this.attnOutDim = config.headCount() * config.valueLength();
        this.ffn = config.feedForwardLength();
        this.vocab = config.vocabularySize();
    }

    private void ensureCapacity(int n) {
        if (n <= capacity) {
            return;
        }
        x = new float[Math.multiplyExact(n, dim)];
        xb = new float[Math.multiplyExact(n, Math.max(dim, attnOutDim))];
        xb2 = new float[n * dim];
        q = new float[Math.multiplyExact(n, qDim)];
        k = new float[Math.multiplyExact(n, kDim)];
        v = new float[Math.multiplyExact(n, vDim)];
        att = new float[Math.multiplyExact(n, attnOutDim)];
        hb = new float[Math.multiplyExact(n, ffn)];
        hb2 = new float[n * ffn];
        logits = new float[Math.multiplyExact(n, vocab)];
        capacity = n;
    }

    /**
     * Feeds {@code tokens[b]} to sequence {@code seqs[b]} at {@code positions[b]} for {@code b < n},
     * appending to each one's KV cache, and copies each sequence's next-token logits to {@code out[b]}.
     * The caller has checked that the sequences are distinct and each position fits its cache.
     */
    public void decode(Transformer[] seqs, int[] tokens, int[] positions, int n, float[][] out) {
        ensureCapacity(n);
        float eps = c.rmsNormEpsilon();
        // Token embeddings, one row per sequence.
        for (int b = 0; b < n; b++) {
            w.tokenEmbedding().dequantizeRow(tokens[b], x, b * dim);
        }
        for (int l = 0; l < c.blockCount(); l++) {
            LayerWeights lw = w.layers().get(l);
            // Attention: RMSNorm and the q/k/v projections for all rows at once.
            for (int b = 0; b < n; b++) {
                Transformer.rmsNorm(xb, b * dim, x, b * dim, lw.attnNorm(), dim, eps);
            }
            MatMul.matmul(lw.wq(), xb, 0, n, q, 0, threads);
            MatMul.matmul(lw.wk(), xb, 0, n, k, 0, threads);
            MatMul.matmul(lw.wv(), xb, 0, n, v, 0, threads);
            // Biases, q/k norms, RoPE at each sequence's own position, then its own cache and attention.
            for (int b = 0; b < n; b++) {
                seqs[b].positionQkv(l, lw, q, b * qDim, k, b * kDim, v, b * vDim, positions[b]);
                seqs[b].attention(l, q, b * qDim, att, b * attnOutDim, positions[b]);
            }
            MatMul.matmul(lw.wo(), att, 0, n, xb2, 0, threads);
            Transformer.addInPlace(x, 0, xb2, n * dim);
            // Feed-forward: RMSNorm, down(silu(gate(x)) * up(x)).
            for (int b = 0; b < n; b++) {
                Transformer.rmsNorm(xb, b * dim, x, b * dim, lw.ffnNorm(), dim, eps);
            }
            MatMul.matmul(lw.wGate(), xb, 0, n, hb, 0, threads);
            MatMul.matmul(lw.wUp(), xb, 0, n, hb2, 0, threads);
            Transformer.swiGlu(hb, hb2, n * ffn);
            MatMul.matmul(lw.wDown(), hb, 0, n, xb2, 0, threads);
            Transformer.addInPlace(x, 0, xb2, n * dim);
        }
        // Final RMSNorm and the vocabulary projection, batched too.
        for (int b = 0; b < n; b++) {
            Transformer.rmsNorm(xb, b * dim, x, b * dim, w.outputNorm(), dim, eps);
        }
        MatMul.matmul(w.output(), xb, 0, n, logits, 0, threads);
        for (int b = 0; b < n; b++) {
            System.arraycopy(logits, b * vocab, out[b], 0, vocab);
        }
    }
}
