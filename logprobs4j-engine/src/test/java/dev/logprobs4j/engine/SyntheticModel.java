package dev.logprobs4j.engine;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufWriter;
import dev.logprobs4j.gguf.Quantizer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Spec of a small model with seeded random weights, written as GGUF with the 512-token vocabulary
 * of stories260K so that llama.cpp accepts it.
 *
 * <p>Gemma files follow llama.cpp's converter: tied embeddings (gain 4, so that the tied output is peaked),
 * norm weights stored with Gemma's +1 already added; gemma2/gemma3 carry post-attention and
 * post-feed-forward norms and a sliding window of {@link #WINDOW} positions (so short prompts cross
 * it); gemma2 soft-caps at 20 (attention) and 15 (logits); gemma3 has q/k norms, a global RoPE base
 * of 1e6 with linear scaling 8. phi3 stacks q|k|v and gate|up and has LongRoPE factors.
 *
 * @param arch llama, qwen2, qwen3, gemma, gemma2, gemma3 or phi3
 * @param ropeDims rotated dimensions per head ({@code rope.dimension_count}; phi3 partial rotary when below headDim)
 * @param originalContext phi3: {@code rope.scaling.original_context_length} (sessions beyond it use the long factors)
 * @param type encoding of every 2-D weight (norms, biases and rope factors stay F32)
 * @param llama3Rope whether to add a Llama 3.1-style {@code rope_freqs.weight}
 * @param tied whether to omit {@code output.weight}
 */
record SyntheticModel(String arch, GgmlType type, int dim, int layers, int heads, int kvHeads, int headDim, int ffn,
        boolean llama3Rope, boolean tied, long seed, int ropeDims, int originalContext) {

    /** Positions a sliding-window layer sees in the synthetic gemma2/gemma3 files. */
    static final int WINDOW = 5;

    SyntheticModel(String arch, GgmlType type, int dim, int layers, int heads, int kvHeads, int headDim, int ffn, boolean llama3Rope,
            boolean tied, long seed) {
        this(arch, type, dim, layers, heads, kvHeads, headDim, ffn, llama3Rope, tied || arch.startsWith("gemma"), seed, headDim, 4096);
    }

    static SyntheticModel small(String arch, GgmlType type) {
        return new SyntheticModel(arch, type, 256, 2, 4, 2, 64, 512, false, false, 17);
    }

    String fileName() {
        return arch + (llama3Rope ? "-rope3" : "") + (tied ? "-tied" : "") + (ropeDims != headDim ? "-rot" + ropeDims : "")
                + (arch.equals("phi3") ? "-orig" + originalContext : "") + "-" + type + "-" + dim + "x" + layers + "h" + headDim
                + ".gguf";
    }

    /** The encoding of one 2-D weight, chosen by tensor name and shape. */
    interface TypeChooser {
        GgmlType typeOf(String name, int rows, int cols);
    }

    Path write(Path dir) {
        return write(dir.resolve(fileName()), (name, rows, cols) -> type);
    }

    /** Writes this model to {@code out} with each 2-D weight encoded as {@code types} chooses. */
    Path write(Path out, TypeChooser types) {
        GgufMetadata vocab;
        try (GgufFile stories = GgufFile.open(TestModels.stories())) {
            vocab = stories.metadata();
        }
        String[] tokens = vocab.getStringArray("tokenizer.ggml.tokens");
        int nVocab = tokens.length;
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", arch)
                // llama.cpp 3.4.1 sets Phi-3 token attributes by name when general.name says "phi3", and then
                // fails on the missing <|endoftext|> of this vocabulary: keep the name neutral.
                .putString("general.name", "synthetic " + fileName().replace("phi3", "phi"))
                .putUint32(arch + ".context_length", 2048)
                .putUint32(arch + ".embedding_length", dim)
                .putUint32(arch + ".block_count", layers)
                .putUint32(arch + ".feed_forward_length", ffn)
                .putUint32(arch + ".attention.head_count", heads)
                .putUint32(arch + ".attention.head_count_kv", kvHeads)
                .putUint32(arch + ".rope.dimension_count", ropeDims)
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f)
                .putFloat32(arch + ".rope.freq_base", llama3Rope ? 500000f : arch.equals("gemma3") ? 1e6f : 10000f);
        boolean gemma = arch.startsWith("gemma");
        boolean postNorms = arch.equals("gemma2") || arch.equals("gemma3");
        boolean phi3 = arch.equals("phi3");
        if (postNorms) {
            w.putUint32(arch + ".attention.sliding_window", WINDOW);
        }
        if (arch.equals("gemma2")) {
            w.putFloat32(arch + ".attn_logit_softcapping", 20f).putFloat32(arch + ".final_logit_softcapping", 15f);
        }
        if (arch.equals("gemma3")) {
            w.putString(arch + ".rope.scaling.type", "linear").putFloat32(arch + ".rope.scaling.factor", 8f);
        }
        if (phi3) {
            // Phi-3.5-mini's shape of LongRoPE: context 128K from an original 4K, attention factor
            // sqrt(1 + ln(32) / ln(4096)) as llama.cpp's converter computes it.
            w.putUint32(arch + ".rope.scaling.original_context_length", originalContext)
                    .putFloat32(arch + ".rope.scaling.attn_factor", (float) Math.sqrt(1 + Math.log(32) / Math.log(4096)))
                    .putUint32(arch + ".attention.sliding_window", 262144);
        }
        if (headDim * heads != dim) {
            w.putUint32(arch + ".attention.key_length", headDim).putUint32(arch + ".attention.value_length", headDim);
        }
        w.putString("tokenizer.ggml.model", "llama")
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putFloat32Array("tokenizer.ggml.scores", vocab.getFloatArray("tokenizer.ggml.scores"))
                .putInt32Array("tokenizer.ggml.token_type", vocab.getIntArray("tokenizer.ggml.token_type"))
                .putUint32("tokenizer.ggml.bos_token_id", 1)
                .putUint32("tokenizer.ggml.eos_token_id", 2)
                .putUint32("tokenizer.ggml.unknown_token_id", 0);
        SplittableRandom r = new SplittableRandom(seed);
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        matrix(w, "token_embd.weight", nVocab, dim, gemma ? 4.0 : 1.0, r, types);
        if (llama3Rope) {
            w.addTensor("rope_freqs.weight", new long[] {headDim / 2}, llama3Factors(headDim, 500000.0));
        }
        if (phi3) {
            w.addTensor("rope_factors_long.weight", new long[] {ropeDims / 2}, ramp(ropeDims / 2, 1.0, 40.0));
            w.addTensor("rope_factors_short.weight", new long[] {ropeDims / 2}, ramp(ropeDims / 2, 1.0, 2.0));
        }
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {dim}, norm(dim, r));
            if (phi3) {
                matrix(w, p + "attn_qkv.weight", qDim + 2 * kvDim, dim, 1.0, r, types);
            } else {
                matrix(w, p + "attn_q.weight", qDim, dim, 1.0, r, types);
                matrix(w, p + "attn_k.weight", kvDim, dim, 1.0, r, types);
                matrix(w, p + "attn_v.weight", kvDim, dim, 1.0, r, types);
            }
            if (arch.equals("qwen2")) {
                w.addTensor(p + "attn_q.bias", new long[] {qDim}, uniform(qDim, 0.5, r));
                w.addTensor(p + "attn_k.bias", new long[] {kvDim}, uniform(kvDim, 0.5, r));
                w.addTensor(p + "attn_v.bias", new long[] {kvDim}, uniform(kvDim, 0.5, r));
            }
            if (arch.equals("qwen3") || arch.equals("gemma3")) {
                w.addTensor(p + "attn_q_norm.weight", new long[] {headDim}, norm(headDim, r));
                w.addTensor(p + "attn_k_norm.weight", new long[] {headDim}, norm(headDim, r));
            }
            matrix(w, p + "attn_output.weight", dim, qDim, 1.0, r, types);
            if (postNorms) {
                w.addTensor(p + "post_attention_norm.weight", new long[] {dim}, norm(dim, r));
            }
            w.addTensor(p + "ffn_norm.weight", new long[] {dim}, norm(dim, r));
            if (phi3) {
                matrix(w, p + "ffn_up.weight", 2 * ffn, dim, 1.0, r, types);
            } else {
                matrix(w, p + "ffn_gate.weight", ffn, dim, 1.0, r, types);
                matrix(w, p + "ffn_up.weight", ffn, dim, 1.0, r, types);
            }
            matrix(w, p + "ffn_down.weight", dim, ffn, 1.0, r, types);
            if (postNorms) {
                w.addTensor(p + "post_ffw_norm.weight", new long[] {dim}, norm(dim, r));
            }
        }
        w.addTensor("output_norm.weight", new long[] {dim}, norm(dim, r));
        if (!tied) {
            // Larger output weights give a peaked distribution, so top-k and greedy are meaningful.
            matrix(w, "output.weight", nVocab, dim, 4.0, r, types);
        }
        w.write(out);
        return out;
    }

    /** Llama 3.1 rope scaling (factor 8, low 1, high 4, original context 8192) as divisors per frequency. */
    static float[] llama3Factors(int headDim, double base) {
        float[] f = new float[headDim / 2];
        double factor = 8, low = 1, high = 4, orig = 8192;
        for (int i = 0; i < f.length; i++) {
            double freq = Math.pow(base, -2.0 * i / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < orig / high) {
                f[i] = 1f;
            } else if (wavelen > orig / low) {
                f[i] = (float) factor;
            } else {
                double smooth = (orig / wavelen - low) / (high - low);
                f[i] = (float) (1.0 / ((1 - smooth) / factor + smooth));
            }
        }
        return f;
    }

    private static void matrix(GgufWriter w, String name, int rows, int cols, double gain, SplittableRandom r,
            TypeChooser types) {
        float[] v = uniform(rows * cols, gain * Math.sqrt(3.0 / cols), r);
        GgmlType t = types.typeOf(name, rows, cols);
        w.addTensor(name, new long[] {cols, rows}, t, Quantizer.quantize(t, v));
    }

    private static float[] uniform(int n, double a, SplittableRandom r) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * a);
        }
        return v;
    }

    /** {@code n} values rising geometrically from {@code from} to {@code to}, like LongRoPE's factor lists. */
    private static float[] ramp(int n, double from, double to) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (from * Math.pow(to / from, n == 1 ? 0 : i / (n - 1.0)));
        }
        return v;
    }

    private static float[] norm(int n, SplittableRandom r) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (0.8 + 0.4 * r.nextDouble());
        }
        return v;
    }
}
