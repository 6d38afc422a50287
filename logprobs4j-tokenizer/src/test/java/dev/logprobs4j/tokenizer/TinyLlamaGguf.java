package dev.logprobs4j.tokenizer;

import dev.logprobs4j.gguf.GgufWriter;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a GGUF file holding a vocabulary and a tiny random Llama-architecture model (dim 16, one
 * layer), just enough for llama.cpp to load the file and tokenize with it.
 */
final class TinyLlamaGguf {
    private static final int DIM = 16;
    private static final int FF = 32;

    private TinyLlamaGguf() {
    }

    /**
     * @param addBosToken value for tokenizer.ggml.add_bos_token, or null to leave the key out
     */
    static void write(Vocabulary v, Boolean addBosToken, Path path) {
        int n = v.size();
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "logprobs4j tokenizer oracle")
                .putUint32("llama.context_length", 512)
                .putUint32("llama.embedding_length", DIM)
                .putUint32("llama.block_count", 1)
                .putUint32("llama.feed_forward_length", FF)
                .putUint32("llama.attention.head_count", 2)
                .putUint32("llama.attention.head_count_kv", 2)
                .putUint32("llama.rope.dimension_count", DIM / 2)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUint32("llama.vocab_size", n)
                .putString("tokenizer.ggml.model", v.model().ggufName())
                .putStringArray("tokenizer.ggml.tokens", v.tokens())
                .putInt32Array("tokenizer.ggml.token_type", v.tokenTypes());
        if (v.model() == Vocabulary.Model.BYTE_LEVEL_BPE) {
            w.putString("tokenizer.ggml.pre", v.preTokenizer());
            w.putStringArray("tokenizer.ggml.merges", v.merges());
        } else {
            w.putFloat32Array("tokenizer.ggml.scores", v.scores());
            w.putBool("tokenizer.ggml.add_space_prefix", v.addSpacePrefix());
            if (v.unkId() >= 0) {
                w.putUint32("tokenizer.ggml.unknown_token_id", v.unkId());
            }
        }
        if (v.bosId() >= 0) {
            w.putUint32("tokenizer.ggml.bos_token_id", v.bosId());
        }
        if (v.eosId() >= 0) {
            w.putUint32("tokenizer.ggml.eos_token_id", v.eosId());
        }
        if (addBosToken != null) {
            w.putBool("tokenizer.ggml.add_bos_token", addBosToken);
        }
        SplittableRandom rnd = new SplittableRandom(42);
        w.addTensor("token_embd.weight", new long[] {DIM, n}, random(rnd, DIM * n));
        w.addTensor("output_norm.weight", new long[] {DIM}, ones(DIM));
        w.addTensor("blk.0.attn_norm.weight", new long[] {DIM}, ones(DIM));
        w.addTensor("blk.0.attn_q.weight", new long[] {DIM, DIM}, random(rnd, DIM * DIM));
        w.addTensor("blk.0.attn_k.weight", new long[] {DIM, DIM}, random(rnd, DIM * DIM));
        w.addTensor("blk.0.attn_v.weight", new long[] {DIM, DIM}, random(rnd, DIM * DIM));
        w.addTensor("blk.0.attn_output.weight", new long[] {DIM, DIM}, random(rnd, DIM * DIM));
        w.addTensor("blk.0.ffn_norm.weight", new long[] {DIM}, ones(DIM));
        w.addTensor("blk.0.ffn_gate.weight", new long[] {DIM, FF}, random(rnd, DIM * FF));
        w.addTensor("blk.0.ffn_up.weight", new long[] {DIM, FF}, random(rnd, DIM * FF));
        w.addTensor("blk.0.ffn_down.weight", new long[] {FF, DIM}, random(rnd, FF * DIM));
        w.write(path);
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rnd.nextDouble() * 0.2 - 0.1);
        }
        return a;
    }

    private static float[] ones(int size) {
        float[] a = new float[size];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
