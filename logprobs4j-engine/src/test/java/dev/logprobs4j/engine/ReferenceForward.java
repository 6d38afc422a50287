package dev.logprobs4j.engine;

import dev.logprobs4j.engine.tensor.WeightMatrices;
import dev.logprobs4j.engine.tensor.WeightMatrix;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A plain float64 forward pass, written for clarity: it recomputes every position from scratch
 * (no KV cache, no batching) with weights decoded to double. It is the oracle for architectures
 * llama.cpp 3.4.1 does not know (qwen3) and for the engine's cache/batching logic.
 */
final class ReferenceForward {
    private final GgufFile f;
    private final ModelConfig c;

    ReferenceForward(GgufFile f, ModelConfig c) {
        this.f = f;
        this.c = c;
    }

    static double[] logits(Path model, int[] tokens) {
        try (Model m = Model.load(model, LoadOptions.builder().preload(false).build())) {
            return new ReferenceForward(m.gguf(), m.config()).run(tokens);
        }
    }

    private double[][] matrix(String name) {
        GgufTensorInfo t = f.tensor(name);
        WeightMatrix w = WeightMatrices.of(t, f.data(t));
        double[][] m = new double[w.rows()][w.cols()];
        float[] row = new float[w.cols()];
        for (int r = 0; r < w.rows(); r++) {
            w.dequantizeRow(r, row, 0);
            for (int i = 0; i < row.length; i++) {
                m[r][i] = row[i];
            }
        }
        return m;
    }

    private double[] vector(String name) {
        GgufTensorInfo t = f.tensor(name);
        float[] v = f.data(t).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
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
        double s = 1 / Math.sqrt(ss / n + c.rmsNormEpsilon());
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = x[off + i] * s * w[i];
        }
        return y;
    }

    private void rope(double[] v, int off, int pos, double[] factors) {
        int d = c.ropeDimensionCount();
        for (int i = 0; i < d / 2; i++) {
            double freq = Math.pow(c.ropeFreqBase(), -2.0 * i / d) * c.ropeFreqScale() / (factors == null ? 1 : factors[i]);
            double a = pos * freq;
            int i0 = c.ropeType() == RopeType.NORMAL ? off + 2 * i : off + i;
            int i1 = c.ropeType() == RopeType.NORMAL ? off + 2 * i + 1 : off + i + d / 2;
            double x0 = v[i0];
            double x1 = v[i1];
            v[i0] = x0 * Math.cos(a) - x1 * Math.sin(a);
            v[i1] = x0 * Math.sin(a) + x1 * Math.cos(a);
        }
    }

    /** Logits after the last of {@code tokens}. */
    double[] run(int[] tokens) {
        int n = tokens.length;
        int dim = c.embeddingLength();
        int hs = c.keyLength();
        double[][] embd = matrix("token_embd.weight");
        double[] factors = c.ropeFrequencyFactors() ? vector("rope_freqs.weight") : null;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = embd[tokens[t]].clone();
        }
        for (int l = 0; l < c.blockCount(); l++) {
            String p = "blk." + l + ".";
            double[][] wq = matrix(p + "attn_q.weight");
            double[][] wk = matrix(p + "attn_k.weight");
            double[][] wv = matrix(p + "attn_v.weight");
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
                if (c.attentionBias()) {
                    add(q[t], vector(p + "attn_q.bias"));
                    add(k[t], vector(p + "attn_k.bias"));
                    add(v[t], vector(p + "attn_v.bias"));
                }
                for (int hh = 0; hh < c.headCount(); hh++) {
                    if (c.queryKeyNorm()) {
                        System.arraycopy(rmsNorm(q[t], hh * hs, hs, vector(p + "attn_q_norm.weight")), 0, q[t], hh * hs, hs);
                    }
                    rope(q[t], hh * hs, t, factors);
                }
                for (int hh = 0; hh < c.headCountKv(); hh++) {
                    if (c.queryKeyNorm()) {
                        System.arraycopy(rmsNorm(k[t], hh * hs, hs, vector(p + "attn_k_norm.weight")), 0, k[t], hh * hs, hs);
                    }
                    rope(k[t], hh * hs, t, factors);
                }
            }
            int group = c.headCount() / c.headCountKv();
            for (int t = 0; t < n; t++) {
                double[] out = new double[c.headCount() * c.valueLength()];
                for (int hh = 0; hh < c.headCount(); hh++) {
                    int kv = hh / group;
                    double[] s = new double[t + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u <= t; u++) {
                        double d = 0;
                        for (int i = 0; i < hs; i++) {
                            d += q[t][hh * hs + i] * k[u][kv * hs + i];
                        }
                        s[u] = d / Math.sqrt(hs);
                        max = Math.max(max, s[u]);
                    }
                    double sum = 0;
                    for (int u = 0; u <= t; u++) {
                        s[u] = Math.exp(s[u] - max);
                        sum += s[u];
                    }
                    for (int u = 0; u <= t; u++) {
                        for (int i = 0; i < c.valueLength(); i++) {
                            out[hh * c.valueLength() + i] += s[u] / sum * v[u][kv * c.valueLength() + i];
                        }
                    }
                }
                add(x[t], mul(wo, out));
            }
            double[][] gate = matrix(p + "ffn_gate.weight");
            double[][] up = matrix(p + "ffn_up.weight");
            double[][] down = matrix(p + "ffn_down.weight");
            double[] fn = vector(p + "ffn_norm.weight");
            for (int t = 0; t < n; t++) {
                double[] h = rmsNorm(x[t], 0, dim, fn);
                double[] g = mul(gate, h);
                double[] u = mul(up, h);
                for (int i = 0; i < g.length; i++) {
                    g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                }
                add(x[t], mul(down, g));
            }
        }
        double[] h = rmsNorm(x[n - 1], 0, dim, vector("output_norm.weight"));
        double[][] out = f.findTensor("output.weight").isPresent() ? matrix("output.weight") : embd;
        return mul(out, h);
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
