package dev.logprobs4j.engine;

import dev.logprobs4j.engine.tensor.ReferenceDecoder;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A plain float64 forward pass, written for clarity: it recomputes every position from scratch
 * (no KV cache, no batching) with weights decoded to double. It is the oracle for architectures
 * llama.cpp 3.4.1 does not know (qwen3) and for the engine's cache/batching logic.
 *
 * <p>It shares nothing with the code under test but the file: hyperparameters are read here from
 * the GGUF keys (llama.cpp's names and defaults), the RoPE layout from the architecture name
 * (llama.cpp's {@code llama_model_rope_type}), and weights are decoded element by element by
 * {@link ReferenceDecoder}, never by the engine's config parsing or kernels.
 *
 * <p>Architecture rules follow llama.cpp's graph builders: Gemma scales embeddings by sqrt(dim) and
 * uses tanh-GELU gates; gemma2/gemma3 add post-norms and slide every layer but each 2nd / 6th over
 * {@code attention.sliding_window} positions; gemma2 soft-caps attention scores and logits; gemma3's
 * sliding layers rotate with base 10000 unscaled; phi3 stacks q|k|v and gate|up, and uses LongRoPE's
 * short or long factors (by context length against the original one) with an attention factor on
 * cos and sin.
 */
final class ReferenceForward {
    private final GgufFile f;
    private final int dim;
    private final int blocks;
    private final int heads;
    private final int kvHeads;
    private final int keyLength;
    private final int valueLength;
    private final int ropeDims;
    private final double ropeBase;
    private final double ropeScale;
    private final boolean neoxRope;
    private final double epsilon;
    private final String arch;
    private final double embeddingScale;
    private final boolean gelu;
    private final double attentionScale;
    private final double attnSoftcap;
    private final double finalSoftcap;
    private final int window;
    private final int windowPeriod; // 0: every layer slides when window > 0
    private final double mscale;
    private final String ropeFactorTensor;

    ReferenceForward(GgufFile f) {
        this(f, 2048);
    }

    /** {@code contextLength}: the session size, which picks phi3's short or long rope factors as llama.cpp's n_ctx does. */
    ReferenceForward(GgufFile f, int contextLength) {
        this.f = f;
        GgufMetadata m = f.metadata();
        arch = m.getString("general.architecture");
        dim = m.getInt(arch + ".embedding_length");
        blocks = m.getInt(arch + ".block_count");
        heads = m.getInt(arch + ".attention.head_count");
        kvHeads = m.findInt(arch + ".attention.head_count_kv").orElse(heads);
        keyLength = m.findInt(arch + ".attention.key_length").orElse(dim / heads);
        valueLength = m.findInt(arch + ".attention.value_length").orElse(keyLength);
        ropeDims = m.findInt(arch + ".rope.dimension_count").orElse(keyLength);
        ropeBase = m.findFloat(arch + ".rope.freq_base").orElse(10000f);
        String scaling = m.findString(arch + ".rope.scaling.type").orElse("none");
        ropeScale = scaling.equals("linear") ? 1.0 / m.findFloat(arch + ".rope.scaling.factor").orElse(1f) : 1.0;
        neoxRope = switch (arch) {
            case "llama", "smollm3" -> false;
            case "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "phi3" -> true;
            default -> throw new IllegalArgumentException("the reference knows no architecture '" + arch + "'");
        };
        epsilon = m.getFloat(arch + ".attention.layer_norm_rms_epsilon");
        boolean gemma = arch.startsWith("gemma");
        embeddingScale = gemma ? Math.sqrt(dim) : 1;
        gelu = gemma;
        boolean big = arch.equals("gemma2") && blocks == 46 || arch.equals("gemma3") && blocks == 62;
        attentionScale = 1 / Math.sqrt(big ? dim / heads : keyLength);
        attnSoftcap = arch.equals("gemma2") ? m.findFloat(arch + ".attn_logit_softcapping").orElse(50f) : 0;
        finalSoftcap = arch.equals("gemma2") ? m.findFloat(arch + ".final_logit_softcapping").orElse(30f) : 0;
        window = switch (arch) {
            case "gemma2" -> m.findInt(arch + ".attention.sliding_window").orElse(4096);
            case "gemma3" -> m.getInt(arch + ".attention.sliding_window");
            case "phi3" -> m.findInt(arch + ".attention.sliding_window").orElse(0);
            default -> 0;
        };
        windowPeriod = arch.equals("gemma2") ? 2 : arch.equals("gemma3") ? 6 : 0;
        mscale = m.findFloat(arch + ".rope.scaling.attn_factor").orElse(1f);
        if (f.findTensor("rope_factors_short.weight").isPresent()) {
            int orig = m.getInt(arch + ".rope.scaling.original_context_length");
            ropeFactorTensor = contextLength > orig ? "rope_factors_long.weight" : "rope_factors_short.weight";
        } else {
            ropeFactorTensor = f.findTensor("rope_freqs.weight").isPresent() ? "rope_freqs.weight" : null;
        }
    }

    private boolean sliding(int layer) {
        return window > 0 && (windowPeriod == 0 || layer % windowPeriod != windowPeriod - 1);
    }

    static double[] logits(Path model, int[] tokens) {
        return logits(model, tokens, 2048);
    }

    static double[] logits(Path model, int[] tokens, int contextLength) {
        try (GgufFile f = GgufFile.open(model)) {
            return new ReferenceForward(f, contextLength).run(tokens);
        }
    }

    /** Rows {@code [from, from + count)} of a matrix. */
    private static double[][] rows(double[][] m, int from, int count) {
        return java.util.Arrays.copyOfRange(m, from, from + count);
    }

    private double[][] matrix(String name) {
        GgufTensorInfo t = f.tensor(name);
        int cols = (int) t.dim(0);
        int rows = (int) (t.elementCount() / cols);
        byte[] bytes = f.data(t).toArray(ValueLayout.JAVA_BYTE);
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                m[r][i] = ReferenceDecoder.element(t.type(), bytes, r * cols + i);
            }
        }
        return m;
    }

    private double[] vector(String name) {
        GgufTensorInfo t = f.tensor(name);
        byte[] bytes = f.data(t).toArray(ValueLayout.JAVA_BYTE);
        double[] d = new double[(int) t.elementCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = ReferenceDecoder.element(t.type(), bytes, i);
        }
        return d;
    }

    private static double[] mul(double[][] w, double[] x) {
        double[] y = new double[w.length];
        for (int r = 0; r < w.length; r++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += w[r][i] * x[i];
            }
            y[r] = s;
        }
        return y;
    }

    private double[] rmsNorm(double[] x, int off, int n, double[] w) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += x[off + i] * x[off + i];
        }
        double s = 1 / Math.sqrt(ss / n + epsilon);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = x[off + i] * s * w[i];
        }
        return y;
    }

    private void rope(double[] v, int off, int pos, double[] factors, boolean slidingLayer) {
        int d = ropeDims;
        // gemma3's sliding layers: base 10000, no scaling.
        boolean local = slidingLayer && arch.equals("gemma3");
        double base = local ? 10000 : ropeBase;
        double scale = local ? 1 : ropeScale;
        for (int i = 0; i < d / 2; i++) {
            double freq = Math.pow(base, -2.0 * i / d) * scale / (factors == null ? 1 : factors[i]);
            double a = pos * freq;
            // Adjacent pairs (llama) or the two halves of the rotated dimensions (NeoX: qwen2, qwen3).
            int i0 = neoxRope ? off + i : off + 2 * i;
            int i1 = neoxRope ? off + i + d / 2 : off + 2 * i + 1;
            double x0 = v[i0];
            double x1 = v[i1];
            // LongRoPE's attention factor scales cos and sin (ggml's mscale): only rotated dimensions grow.
            v[i0] = mscale * (x0 * Math.cos(a) - x1 * Math.sin(a));
            v[i1] = mscale * (x0 * Math.sin(a) + x1 * Math.cos(a));
        }
    }

    /** Logits after the last of {@code tokens}. */
    double[] run(int[] tokens) {
        int n = tokens.length;
        int hs = keyLength;
        double[][] embd = matrix("token_embd.weight");
        double[] factors = ropeFactorTensor == null ? null : vector(ropeFactorTensor);
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = embd[tokens[t]].clone();
            for (int i = 0; i < dim; i++) {
                x[t][i] *= embeddingScale;
            }
        }
        for (int l = 0; l < blocks; l++) {
            String p = "blk." + l + ".";
            double[][] wq;
            double[][] wk;
            double[][] wv;
            if (f.findTensor(p + "attn_qkv.weight").isPresent()) {
                double[][] qkv = matrix(p + "attn_qkv.weight");
                wq = rows(qkv, 0, heads * hs);
                wk = rows(qkv, heads * hs, kvHeads * hs);
                wv = rows(qkv, heads * hs + kvHeads * hs, kvHeads * valueLength);
            } else {
                wq = matrix(p + "attn_q.weight");
                wk = matrix(p + "attn_k.weight");
                wv = matrix(p + "attn_v.weight");
            }
            boolean slide = sliding(l);
            // smollm3 (llama.cpp): every 4th layer, (l + 1) % 4 == 0, has no RoPE.
            boolean noRope = arch.equals("smollm3") && (l + 1) % 4 == 0;
            double[][] wo = matrix(p + "attn_output.weight");
            double[] an = vector(p + "attn_norm.weight");
            double[][] q = new double[n][];
            double[][] k = new double[n][];
            double[][] v = new double[n][];
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], 0, dim, an);
                q[t] = mul(wq, h);
                k[t] = mul(wk, h);
                v[t] = mul(wv, h);
                if (f.findTensor(p + "attn_q.bias").isPresent()) {
                    add(q[t], vector(p + "attn_q.bias"));
                    add(k[t], vector(p + "attn_k.bias"));
                    add(v[t], vector(p + "attn_v.bias"));
                }
                boolean qkNorm = f.findTensor(p + "attn_q_norm.weight").isPresent();
                for (int hh = 0; hh < heads; hh++) {
                    if (qkNorm) {
                        System.arraycopy(rmsNorm(q[t], hh * hs, hs, vector(p + "attn_q_norm.weight")), 0, q[t], hh * hs, hs);
                    }
                    if (!noRope) {
                        rope(q[t], hh * hs, t, factors, slide);
                    }
                }
                for (int hh = 0; hh < kvHeads; hh++) {
                    if (qkNorm) {
                        System.arraycopy(rmsNorm(k[t], hh * hs, hs, vector(p + "attn_k_norm.weight")), 0, k[t], hh * hs, hs);
                    }
                    if (!noRope) {
                        rope(k[t], hh * hs, t, factors, slide);
                    }
                }
            }
            int group = heads / kvHeads;
            for (int t = 0; t < n; t++) {
                double[] out = new double[heads * valueLength];
                for (int hh = 0; hh < heads; hh++) {
                    int kv = hh / group;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    // A sliding layer sees keys u with t - u < window.
                    int first = slide ? Math.max(0, t - window + 1) : 0;
                    for (int u = first; u <= t; u++) {
                        double d = 0;
                        for (int i = 0; i < hs; i++) {
                            d += q[t][hh * hs + i] * k[u][kv * hs + i];
                        }
                        s[u] = d * attentionScale;
                        if (attnSoftcap > 0) {
                            s[u] = attnSoftcap * Math.tanh(s[u] / attnSoftcap);
                        }
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = first; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        sum += s[u];
                    }
                    for (int u = first; u <= t; u++) {
                        for (int i = 0; i < valueLength; i++) {
                            out[hh * valueLength + i] += s[u] / sum * v[u][kv * valueLength + i];
                        }
                    }
                }
                add(x[t], postNorm(mul(wo, out), p + "post_attention_norm.weight"));
            }
            double[][] gate;
            double[][] up;
            if (f.findTensor(p + "ffn_gate.weight").isPresent()) {
                gate = matrix(p + "ffn_gate.weight");
                up = matrix(p + "ffn_up.weight");
            } else {
                // phi3: ffn_up is gate then up.
                double[][] gu = matrix(p + "ffn_up.weight");
                gate = rows(gu, 0, gu.length / 2);
                up = rows(gu, gu.length / 2, gu.length / 2);
            }
            double[][] down = matrix(p + "ffn_down.weight");
            double[] fn = vector(p + "ffn_norm.weight");
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], 0, dim, fn);
                double[] g = mul(gate, h);
                double[] u = mul(up, h);
                for (int i = 0; i < g.length; i++) {
                    double a = gelu
                            ? 0.5 * g[i] * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g[i] + 0.044715 * g[i] * g[i] * g[i])))
                            : g[i] / (1 + Math.exp(-g[i]));
                    g[i] = a * u[i];
                }
                add(x[t], postNorm(mul(down, g), p + "post_ffw_norm.weight"));
            }
        }
        double[] h = rmsNorm(x[n - 1], 0, dim, vector("output_norm.weight"));
        double[][] out = f.findTensor("output.weight").isPresent() ? matrix("output.weight") : embd;
        double[] logits = mul(out, h);
        if (finalSoftcap > 0) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] = finalSoftcap * Math.tanh(logits[i] / finalSoftcap);
            }
        }
        return logits;
    }

    /** The RMSNorm of a sub-layer's output by {@code name} if the file has that tensor (gemma2/3), else the output. */
    private double[] postNorm(double[] y, String name) {
        return f.findTensor(name).isPresent() ? rmsNorm(y, 0, y.length, vector(name)) : y;
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    static double[] logSoftmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        double lse = max + Math.log(sum);
        double[] r = new double[logits.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = logits[i] - lse;
        }
        return r;
    }
}
