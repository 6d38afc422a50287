package dev.logprobs4j.engine;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufWriter;
import dev.logprobs4j.gguf.Quantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Decode-speed benchmark of this engine next to llama.cpp (de.kherud 3.4.1, forked) on the same
 * file and thread count. Not a test; run from the engine module with the test classpath:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Xmx8g -cp target/test-classes:target/classes:... \
 *     dev.logprobs4j.engine.Bench &lt;model.gguf | llama1b:&lt;path-to-write&gt;&gt; &lt;threads&gt; &lt;tokens&gt;
 * </pre>
 *
 * {@code llama1b:PATH} writes (once) a random Llama-3.2-1B-shaped Q8_0 model with tied
 * embeddings: dim 2048, 16 layers, 32 heads, 8 KV heads, FFN 8192, vocabulary 128256 (~1.3 GB).
 */
public final class Bench {
    public static void main(String[] args) throws Exception {
        String spec = args[0];
        int threads = Integer.parseInt(args[1]);
        int tokens = Integer.parseInt(args[2]);
        Path model;
        if (spec.startsWith("llama1b:")) {
            model = Path.of(spec.substring("llama1b:".length()));
            if (!Files.exists(model)) {
                long t0 = System.nanoTime();
                writeLlama1b(model);
                System.out.printf("wrote %s (%.2f GB) in %.0f s%n", model, Files.size(model) / 1e9, (System.nanoTime() - t0) / 1e9);
            }
        } else {
            model = Path.of(spec);
        }
        int[] prompt = {1, 403, 407, 261, 378, 29, 100, 7, 300, 12, 44, 55, 66, 77, 88, 99};
        try (Model m = Model.load(model, LoadOptions.builder().threads(threads).build())) {
            Session s = m.newSession(prompt.length + tokens + 8);
            long t0 = System.nanoTime();
            float[] logits = s.prefill(prompt);
            long t1 = System.nanoTime();
            int vocab = m.config().vocabularySize();
            int next = Sampler.argmax(logits, 0, vocab);
            // Warm-up of the JIT on the first few tokens is included: it is what a user sees.
            long t2 = System.nanoTime();
            for (int i = 0; i < tokens; i++) {
                logits = s.decode(next);
                next = Sampler.argmax(logits, 0, vocab);
            }
            long t3 = System.nanoTime();
            System.out.printf("logprobs4j %s threads=%d: prefill %d tokens %.1f tok/s, decode %d tokens %.2f tok/s%n",
                    model.getFileName(), threads, prompt.length, prompt.length / ((t1 - t0) / 1e9), tokens, tokens / ((t3 - t2) / 1e9));
        }
        List<LlamaCppOracle.Run> runs = LlamaCppOracle.run(model, threads, "bench", 0, tokens + 1, List.of(prompt));
        double[] ms = runs.get(0).millis();
        double decodeMs = 0;
        int n = 0;
        for (int i = 1; i < ms.length; i++) { // [0] includes prefill
            decodeMs += ms[i];
            n++;
        }
        System.out.printf("llama.cpp  %s threads=%d: first token after %.0f ms, decode %d tokens %.2f tok/s%n", model.getFileName(),
                threads, ms[0], n, n / (decodeMs / 1e3));
    }

    static void writeLlama1b(Path out) {
        int dim = 2048, layers = 16, heads = 32, kvHeads = 8, headDim = 64, ffn = 8192, vocab = 128256;
        GgufMetadata stories;
        try (GgufFile f = GgufFile.open(TestModels.stories())) {
            stories = f.metadata();
        }
        String[] base = stories.getStringArray("tokenizer.ggml.tokens");
        float[] baseScores = stories.getFloatArray("tokenizer.ggml.scores");
        int[] baseTypes = stories.getIntArray("tokenizer.ggml.token_type");
        String[] tokens = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        for (int i = 0; i < vocab; i++) {
            tokens[i] = i < base.length ? base[i] : "\u2581tok" + i;
            scores[i] = i < base.length ? baseScores[i] : -1000f - i;
            types[i] = i < base.length ? baseTypes[i] : 1;
        }
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama").putString("general.name", "random llama 1B")
                .putUint32("llama.context_length", 8192).putUint32("llama.embedding_length", dim)
                .putUint32("llama.block_count", layers).putUint32("llama.feed_forward_length", ffn)
                .putUint32("llama.attention.head_count", heads).putUint32("llama.attention.head_count_kv", kvHeads)
                .putUint32("llama.rope.dimension_count", headDim).putFloat32("llama.rope.freq_base", 500000f)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putString("tokenizer.ggml.model", "llama").putStringArray("tokenizer.ggml.tokens", tokens)
                .putFloat32Array("tokenizer.ggml.scores", scores).putInt32Array("tokenizer.ggml.token_type", types)
                .putUint32("tokenizer.ggml.bos_token_id", 1).putUint32("tokenizer.ggml.eos_token_id", 2);
        SplittableRandom r = new SplittableRandom(1);
        q8(w, "token_embd.weight", vocab, dim, r);
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {dim}, ones(dim));
            q8(w, p + "attn_q.weight", heads * headDim, dim, r);
            q8(w, p + "attn_k.weight", kvHeads * headDim, dim, r);
            q8(w, p + "attn_v.weight", kvHeads * headDim, dim, r);
            q8(w, p + "attn_output.weight", dim, heads * headDim, r);
            w.addTensor(p + "ffn_norm.weight", new long[] {dim}, ones(dim));
            q8(w, p + "ffn_gate.weight", ffn, dim, r);
            q8(w, p + "ffn_up.weight", ffn, dim, r);
            q8(w, p + "ffn_down.weight", dim, ffn, r);
        }
        w.addTensor("output_norm.weight", new long[] {dim}, ones(dim));
        w.write(out);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    private static void q8(GgufWriter w, String name, int rows, int cols, SplittableRandom r) {
        float[] v = new float[Math.multiplyExact(rows, cols)];
        double a = Math.sqrt(3.0 / cols);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * a);
        }
        w.addTensor(name, new long[] {cols, rows}, GgmlType.Q8_0, Quantizer.quantize(GgmlType.Q8_0, v));
    }
}
