package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.ModelConfig;
import dev.logprobs4j.engine.RopeType;
import dev.logprobs4j.engine.tensor.MatMul;
import dev.logprobs4j.engine.tensor.ParallelRows;
import dev.logprobs4j.engine.tensor.WeightMatrix;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass of a Llama/Qwen-style decoder over a batch of {@link Rows}: every row is a
 * (token, position, sequence) triple, so one pass runs a prompt chunk of one sequence, a decode step
 * of many sequences, or any mix. Every weight matrix is multiplied with all rows at once (read once
 * per pass); per-row work (RoPE, cache append, attention) reads the row's own {@link KvCache}.
 *
 * <p>Architectures differ only by switches of {@link ModelConfig} and null weights of
 * {@link LayerWeights} (biases, q/k norms, post-norms, rope layout, embedding scale, GeGLU, soft-caps,
 * sliding-window and no-RoPE layers), tested once per pass or per layer here: a new architecture
 * adds a switch, never a second copy of the pass.
 *
 * <p>Batch invariance: every step but the matrix products is per row and per head, in an order that
 * does not depend on the other rows; attention of one (row, head) is computed whole by one thread.
 * So a row's results depend on its batch only through the summation order {@link MatMul} uses for a
 * given batch size, and are bit-identical to a solo pass as long as MatMul's products are (which its
 * contract states).
 *
 * <p>Not thread-safe: one instance per thread. Activation buffers grow to the largest batch seen and
 * are then reused, so a pass of a size already seen allocates nothing.
 */
public final class Forward {
    /**
     * Rows a prompt is fed in at once when only its last row's logits are wanted: each weight row
     * is read from memory and decoded once per chunk, so larger chunks spend less of prefill on
     * that (at 32 rows, decoding Q8_0 panels took 13% of a 1B prefill; at 128 about a quarter
     * of that), while the activations stay a few MiB.
     */
    public static final int PROMPT_CHUNK = 128;

    /**
     * Rows fed at once when every row's logits are kept (scoring): smaller than {@link
     * #PROMPT_CHUNK} because the chunk's logits are held together (64 rows of a 128k vocabulary:
     * 32 MiB per session).
     */
    public static final int SCORE_CHUNK = 64;

    /** Below this many multiply-adds, attention stays on the calling thread. */
    private static final long PARALLEL_ATTENTION_MIN = 1 << 15;

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final boolean VECTOR = F.length() >= 8
            && !"scalar".equalsIgnoreCase(System.getProperty("logprobs4j.kernels", "vector"));
    /** Shuffles folding the upper half of the live lanes onto the lower: a reduction in a fixed order. */
    private static final VectorShuffle<Float>[] FOLDS = folds();
    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[256]);

    private final ModelConfig c;
    private final Weights w;
    private final int threads;
    private final MatMul.Activations activations;
    private final boolean neox;
    private final int dim;
    private final int qDim;
    private final int kDim;
    private final int vDim;
    private final int attnOutDim;
    private final int ffn;
    private final int vocab;
    private final int headSize;
    private final int valueSize;
    private final int groupSize;
    private final float attentionScale;

    private int capacity;
    private float[] x; // (rows, dim) residual stream
    private float[] xb; // (rows, max(dim, attnOutDim)) normed input of a sub-layer
    private float[] xb2; // (rows, dim) output of a sub-layer
    private float[] q; // (rows, qDim)
    private float[] k; // (rows, kDim)
    private float[] v; // (rows, vDim)
    private float[] att; // (rows, attnOutDim) attention output
    private float[] hb; // (rows, ffn) gate, then silu(gate) * up
    private float[] hb2; // (rows, ffn) up
    private float[] logits = new float[0]; // (outputs, vocab)

    private float[][] qkvOut; // {q, k, v}
    private float[][] gateUpOut; // {hb, hb2}
    private final WeightMatrix[][] qkv; // (layer) {wq, wk, wv}: one pool hand-off for the three
    private final WeightMatrix[][] gateUp; // (layer) {wGate, wUp}

    private final AttentionTask attentionTask = new AttentionTask();

    public Forward(ModelConfig config, Weights weights, int threads, MatMul.Activations activations) {
        this.c = config;
        this.w = weights;
        this.threads = threads;
        this.activations = activations;
        this.neox = config.ropeType() == RopeType.NEOX;
        this.dim = config.embeddingLength();
        this.qDim = config.queryDim();
        this.kDim = config.keyDim();
        this.vDim = config.valueDim();
        this.attnOutDim = config.headCount() * config.valueLength();
        this.ffn = config.feedForwardLength();
        this.vocab = config.vocabularySize();
        this.headSize = config.keyLength();
        this.valueSize = config.valueLength();
        this.groupSize = config.headCount() / config.headCountKv();
        this.attentionScale = config.attentionScale();
        int layers = config.blockCount();
        this.qkv = new WeightMatrix[layers][];
        this.gateUp = new WeightMatrix[layers][];
        for (int l = 0; l < layers; l++) {
            LayerWeights lw = weights.layers().get(l);
            qkv[l] = new WeightMatrix[] {lw.wq(), lw.wk(), lw.wv()};
            gateUp[l] = new WeightMatrix[] {lw.wGate(), lw.wUp()};
        }
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
        qkvOut = new float[][] {q, k, v};
        gateUpOut = new float[][] {hb, hb2};
        capacity = n;
    }

    /**
     * Runs every row through the model, appending each row's key and value to its cache, and leaves
     * the logits of the rows that want them in {@link #logits()}, in row order. The caller has
     * checked tokens, positions and capacities.
     */
    public void run(Rows rows) {
        int n = rows.count;
        ensureCapacity(n);
        // Token embeddings, one row each.
        for (int b = 0; b < n; b++) {
            w.tokenEmbedding().dequantizeRow(rows.tokens[b], x, b * dim);
        }
        if (c.embeddingScale() != 1f) {
            // Gemma scales the embeddings by sqrt(dim) (in float, as llama.cpp's ggml_scale).
            scaleInPlace(x, 0, n * dim, c.embeddingScale());
        }
        float eps = c.rmsNormEpsilon();
        for (int l = 0; l < c.blockCount(); l++) {
            LayerWeights lw = w.layers().get(l);
            // Attention: RMSNorm, then the q/k/v projections of all rows.
            for (int b = 0; b < n; b++) {
                rmsNorm(xb, b * dim, x, b * dim, lw.attnNorm(), dim, eps);
            }
            MatMul.matmul(qkv[l], xb, 0, n, qkvOut, threads, activations);
            // Biases, q/k norms and RoPE at each row's position; keys and values into its own cache.
            for (int b = 0; b < n; b++) {
                positionQkv(l, lw, b, rows.positions[b], rows.caches[b]);
            }
            // Causal softmax(q k^T * scale) v per row and head, over the row's own sequence (or its window).
            attention(l, rows);
            matmul(lw.wo(), att, n, xb2);
            postNorm(lw.attnPostNorm(), n, eps);
            addInPlace(x, xb2, n * dim);
            // Feed-forward: RMSNorm, down(act(gate(x)) * up(x)) with SiLU or (Gemma) tanh-GELU.
            for (int b = 0; b < n; b++) {
                rmsNorm(xb, b * dim, x, b * dim, lw.ffnNorm(), dim, eps);
            }
            MatMul.matmul(gateUp[l], xb, 0, n, gateUpOut, threads, activations);
            if (c.geluFeedForward()) {
                geGlu(hb, hb2, n * ffn, activations == MatMul.Activations.INT8);
            } else {
                swiGlu(hb, hb2, n * ffn);
            }
            matmul(lw.wDown(), hb, n, xb2);
            postNorm(lw.ffnPostNorm(), n, eps);
            addInPlace(x, xb2, n * dim);
        }
        // Final RMSNorm and the vocabulary projection, only for the rows that want logits.
        int outputs = rows.outputs;
        if (outputs == 0) {
            return;
        }
        for (int b = 0, j = 0; b < n; b++) {
            if (rows.wantsLogits[b]) {
                rmsNorm(xb, j++ * dim, x, b * dim, w.outputNorm(), dim, eps);
            }
        }
        if (logits.length < outputs * vocab) {
            logits = new float[Math.multiplyExact(outputs, vocab)];
        }
        matmul(w.output(), xb, outputs, logits);
        if (c.finalSoftcap() > 0) {
            // gemma2: logits = cap * tanh(logits / cap).
            softcap(logits, outputs * vocab, c.finalSoftcap());
        }
    }

    /** gemma2/3: RMSNorm of each row's sub-layer output (in xb2) before it joins the residual stream. */
    private void postNorm(float[] weight, int n, float eps) {
        if (weight == null) {
            return;
        }
        for (int b = 0; b < n; b++) {
            rmsNorm(xb2, b * dim, xb2, b * dim, weight, dim, eps);
        }
    }

    /** Logits of the last pass: row {@code j} (at {@code j * vocabularySize}) for the j-th row that wanted them. */
    public float[] logits() {
        return logits;
    }

    private void matmul(WeightMatrix m, float[] in, int n, float[] out) {
        MatMul.matmul(m, in, 0, n, out, 0, threads, activations);
    }

    /** Adds biases, normalises q/k per head, rotates them for {@code pos}, and appends k and v to the cache. */
    private void positionQkv(int layer, LayerWeights lw, int b, int pos, KvCache cache) {
        int qOff = b * qDim;
        int kOff = b * kDim;
        int vOff = b * vDim;
        if (lw.bq() != null) {
            addInPlace(q, qOff, lw.bq(), qDim);
            addInPlace(k, kOff, lw.bk(), kDim);
            addInPlace(v, vOff, lw.bv(), vDim);
        }
        float eps = c.rmsNormEpsilon();
        boolean sliding = c.slidingLayer(layer);
        boolean rope = c.ropeLayer(layer);
        for (int h = 0; h < c.headCount(); h++) {
            int o = qOff + h * headSize;
            if (lw.qNorm() != null) {
                rmsNorm(q, o, q, o, lw.qNorm(), headSize, eps);
            }
            if (rope) {
                cache.rope.rotate(q, o, pos, neox, sliding);
            }
        }
        for (int h = 0; h < c.headCountKv(); h++) {
            int o = kOff + h * headSize;
            if (lw.kNorm() != null) {
                rmsNorm(k, o, k, o, lw.kNorm(), headSize, eps);
            }
            if (rope) {
                cache.rope.rotate(k, o, pos, neox, sliding);
            }
        }
        cache.reserve(layer, pos);
        float[] kc = cache.keys[layer];
        float[] vc = cache.values[layer];
        System.arraycopy(k, kOff, kc, pos * kDim, kDim);
        System.arraycopy(v, vOff, vc, pos * vDim, vDim);
        if (cache.half) {
            // llama.cpp stores K/V as F16 and converts q to F16 for the K·q product.
            toHalf(kc, pos * kDim, kDim);
            toHalf(vc, pos * vDim, vDim);
            toHalf(q, qOff, qDim);
        }
    }

    /** Attention of every (row, head): spread over the pool when the rows see many positions in all (long prompts, big batches). */
    private void attention(int layer, Rows rows) {
        int n = rows.count;
        int heads = c.headCount();
        long work = 0;
        for (int b = 0; b < n; b++) {
            work += (long) (rows.positions[b] + 1) * heads * (headSize + valueSize);
        }
        AttentionTask t = attentionTask;
        t.layer = layer;
        t.rows = rows;
        try {
            if (work < PARALLEL_ATTENTION_MIN || threads == 1) {
                t.run(0, n * heads);
            } else {
                ParallelRows.run(n * heads, threads, t);
            }
        } finally {
            t.rows = null;
        }
    }

    /** Attention of the units {@code [from, to)}, unit {@code u} being head {@code u % heads} of row {@code u / heads}. */
    private final class AttentionTask implements ParallelRows.Task {
        int layer;
        Rows rows;

        @Override
        public void run(int from, int to) {
            int heads = c.headCount();
            for (int u = from; u < to; u++) {
                int b = u / heads;
                attend(layer, rows.caches[b], rows.positions[b], b, u % heads);
            }
        }
    }

    /**
     * Head {@code h} of row {@code b} (at {@code pos}) over positions {@code 0 ..= pos} of its cache, or
     * over the last {@code slidingWindow} of them in a sliding layer (llama.cpp masks {@code pos - t >= window}).
     */
    private void attend(int layer, KvCache cache, int pos, int b, int h) {
        float[] kc = cache.keys[layer];
        float[] vc = cache.values[layer];
        float[] scores = SCORES.get();
        if (scores.length <= pos) {
            scores = new float[Math.max(pos + 1, 2 * scores.length)];
            SCORES.set(scores);
        }
        int qo = b * qDim + h * headSize;
        int kvh = h / groupSize;
        int first = c.slidingLayer(layer) ? Math.max(0, pos - c.slidingWindow() + 1) : 0;
        float cap = c.attentionSoftcap();
        float max = Float.NEGATIVE_INFINITY;
        for (int t = first; t <= pos; t++) {
            float s = dot(q, qo, kc, t * kDim + kvh * headSize, headSize) * attentionScale;
            if (cap > 0) {
                s = cap * (float) Math.tanh(s / cap); // gemma2's attention soft-capping
            }
            scores[t] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int t = first; t <= pos; t++) {
            float e = (float) Math.exp(scores[t] - max);
            scores[t] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        int ao = b * attnOutDim + h * valueSize;
        Arrays.fill(att, ao, ao + valueSize, 0f);
        for (int t = first; t <= pos; t++) {
            axpy(scores[t] * inv, vc, t * vDim + kvh * valueSize, att, ao, valueSize);
        }
    }

    /** {@code a[ao ..] . b[bo ..]} over {@code n} values; lane-parallel sums, then the scalar tail. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        if (!VECTOR) {
            return dotScalar(a, ao, b, bo, n);
        }
        int i = 0;
        float s = 0f;
        int bound = F.loopBound(n);
        if (bound > 0) {
            FloatVector acc = FloatVector.zero(F);
            for (; i < bound; i += F.length()) {
                acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            }
            s = sumLanes(acc);
        }
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(F.length());
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int s = 0, half = F.length() / 2; s < steps; s++, half /= 2) {
            int h = half;
            f[s] = VectorShuffle.fromOp(F, i -> (i + h) % F.length());
        }
        return f;
    }

    /**
     * The lanes of {@code v} summed by halving folds. {@code reduceLanes(ADD)} leaves the order open
     * and its compiled and interpreted forms differ, which would make one row's attention depend on
     * whether it ran before or after the JIT compiled it; explicit folds fix the order.
     */
    static float sumLanes(FloatVector v) {
        for (VectorShuffle<Float> fold : FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }

    /** Scalar twin of {@link #dot}. */
    static float dotScalar(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code y[yo ..] += p * x[xo ..]} over {@code n} values. */
    static void axpy(float p, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (VECTOR) {
            FloatVector pv = FloatVector.broadcast(F, p);
            for (int bound = F.loopBound(n); i < bound; i += F.length()) {
                FloatVector.fromArray(F, x, xo + i).fma(pv, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(p, x[xo + i], y[yo + i]);
        }
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

    /**
     * gate = gelu(gate) * up with GELU's tanh approximation (Gemma's gelu_pytorch_tanh), elementwise.
     * With {@code half}, as llama.cpp's CPU GELU: for |x| < 10 the input is rounded to F16 and the
     * result read from a table of F16 values; below -10 it is 0 and above 10 it is x.
     */
    static void geGlu(float[] gate, float[] up, int size, boolean half) {
        for (int i = 0; i < size; i++) {
            float g = gate[i];
            float a;
            if (!half) {
                a = gelu(g);
            } else if (g <= -10f) {
                a = 0f;
            } else if (g >= 10f) {
                a = g;
            } else {
                a = Float.float16ToFloat(Float.floatToFloat16(gelu(Float.float16ToFloat(Float.floatToFloat16(g)))));
            }
            gate[i] = a * up[i];
        }
    }

    private static float gelu(float x) {
        double g = x;
        return (float) (0.5 * g * (1 + Math.tanh(GELU_C * g * (1 + 0.044715 * g * g))));
    }

    private static final double GELU_C = Math.sqrt(2 / Math.PI);

    private static void softcap(float[] a, int size, float cap) {
        for (int i = 0; i < size; i++) {
            a[i] = cap * (float) Math.tanh(a[i] / cap);
        }
    }

    private static void scaleInPlace(float[] a, int off, int size, float f) {
        for (int i = 0; i < size; i++) {
            a[off + i] *= f;
        }
    }

    private static void addInPlace(float[] a, float[] b, int size) {
        for (int i = 0; i < size; i++) {
            a[i] += b[i];
        }
    }

    private static void addInPlace(float[] a, int ao, float[] b, int size) {
        for (int i = 0; i < size; i++) {
            a[ao + i] += b[i];
        }
    }
}
