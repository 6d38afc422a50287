package dev.logprobs4j.fuzz;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufArray;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufWriter;
import dev.logprobs4j.gguf.Quantizer;
import dev.logprobs4j.tokenizer.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The seed corpus: small well-formed GGUF files written by {@link GgufWriter}, each under 50 KB.
 * {@link SeedCorpusTest} checks that the committed copies under {@code src/test/resources} equal
 * what these builders write, so the corpus and the code cannot drift apart.
 */
final class Seeds {
    private Seeds() {}

    /** Seeds for the GGUF reader: every metadata type, arrays, nested arrays, tensors of every type. */
    static Map<String, byte[]> gguf() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("metadata-all-types", metadataAllTypes());
        m.put("tensors-all-types", tensorsAllTypes());
        m.put("empty", write(new GgufWriter()));
        m.put("vocab-bpe", bpeVocabulary());
        m.put("model-llama-f32", tinyModel("llama", GgmlType.F32, true, false));
        return m;
    }

    /** Seeds for {@code Tokenizer.fromGguf}: a SentencePiece and a byte-level BPE vocabulary. */
    static Map<String, byte[]> vocabularies() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("vocab-spm-stories260k", spmVocabulary());
        m.put("vocab-bpe", bpeVocabulary());
        return m;
    }

    /** Seeds for {@code Model.load}: one tiny model per architecture and weight encoding. */
    static Map<String, byte[]> models() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("model-llama-f32", tinyModel("llama", GgmlType.F32, true, false));
        m.put("model-qwen2-q8_0", tinyModel("qwen2", GgmlType.Q8_0, false, false));
        m.put("model-qwen3-f16-tied", tinyModel("qwen3", GgmlType.F16, false, true));
        return m;
    }

    static byte[] metadataAllTypes() {
        GgufWriter w = new GgufWriter().alignment(64)
                .putString("general.architecture", "fuzz")
                .putUint8("u8", 200).putInt8("i8", (byte) -5)
                .putUint16("u16", 60000).putInt16("i16", (short) -300)
                .putUint32("u32", 4_000_000_000L).putInt32("i32", -7)
                .putUint64("u64", -1L).putInt64("i64", Long.MIN_VALUE)
                .putFloat32("f32", 1.5f).putFloat64("f64", -2.25)
                .putBool("bool", true)
                .putString("str", "héllo ▁ wörld \u0000 end")
                .putArray("a.u8", GgufArray.ofUint8((byte) 1, (byte) 255))
                .putArray("a.i8", GgufArray.ofInt8((byte) -1))
                .putArray("a.u16", GgufArray.ofUint16((short) 65535))
                .putArray("a.i16", GgufArray.ofInt16((short) -2, (short) 3))
                .putArray("a.u32", GgufArray.ofUint32(-1, 5))
                .putArray("a.i32", GgufArray.ofInt32(1, 2, 3))
                .putArray("a.u64", GgufArray.ofUint64(-1L))
                .putArray("a.i64", GgufArray.ofInt64(Long.MAX_VALUE, 0))
                .putArray("a.f32", GgufArray.ofFloat32(0.5f, Float.NaN))
                .putArray("a.f64", GgufArray.ofFloat64(1e300))
                .putArray("a.bool", GgufArray.ofBool(true, false))
                .putArray("a.str", GgufArray.ofString("a", "", "ü"))
                .putArray("a.empty", GgufArray.ofInt32())
                .putArray("a.nested", GgufArray.ofArrays(GgufArray.ofInt32(1), GgufArray.ofString("x"),
                        GgufArray.ofArrays(GgufArray.ofBool(false))));
        w.addTensor("t.f32", new long[] {4, 2}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        return write(w);
    }

    static byte[] tensorsAllTypes() {
        GgufWriter w = new GgufWriter().putString("general.architecture", "fuzz");
        SplittableRandom r = new SplittableRandom(7);
        for (GgmlType t : GgmlType.values()) {
            // One block per type (two rows for plain types) keeps the file small.
            long[] shape = t.blockSize() == 1 ? new long[] {4, 2} : new long[] {t.blockSize(), 1};
            byte[] raw = new byte[(int) t.byteSize(shape[0] * shape[1])];
            for (int i = 0; i < raw.length; i++) {
                raw[i] = (byte) r.nextInt(256);
            }
            w.addTensor("t." + t.name().toLowerCase(java.util.Locale.ROOT), shape, t, raw);
        }
        w.addTensor("t.rank4", new long[] {2, 1, 1, 2}, new float[4]);
        w.addTensor("t.zero", new long[] {0, 3}, new float[0]);
        return write(w);
    }

    /** The tokenizer metadata of stories260K (512 SentencePiece pieces with byte fallback). */
    static byte[] spmVocabulary() {
        GgufMetadata m;
        try (GgufFile f = GgufFile.open(FuzzSupport.stories260K())) {
            m = f.metadata();
        }
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama")
                .putString("tokenizer.ggml.model", m.getString("tokenizer.ggml.model"))
                .putStringArray("tokenizer.ggml.tokens", m.getStringArray("tokenizer.ggml.tokens"))
                .putFloat32Array("tokenizer.ggml.scores", m.getFloatArray("tokenizer.ggml.scores"))
                .putInt32Array("tokenizer.ggml.token_type", m.getIntArray("tokenizer.ggml.token_type"))
                .putUint32("tokenizer.ggml.bos_token_id", 1)
                .putUint32("tokenizer.ggml.eos_token_id", 2)
                .putUint32("tokenizer.ggml.unknown_token_id", 0)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_space_prefix", true);
        return write(w);
    }

    /** Merges of the hand-made byte-level BPE vocabulary, in rank order. */
    static final String[] BPE_MERGES = {"Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n", "Ġ s", "a n", "r e",
        "Ġ w", "Ġ Ġ", "ĠĠ ĠĠ", "Ċ Ċ", "i t", "Ġ o", "Ġa n", "Ġan d", "à ¤", "Ã ©", "ð Ł"};

    /**
     * A byte-level BPE vocabulary: the 256 GPT-2 byte characters, one token per merge result,
     * {@code <|endoftext|>} (control) and {@code <think>} (user-defined).
     */
    static Vocabulary bpe(String pre) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(Character.toString(gpt2Char(b)));
        }
        for (String merge : BPE_MERGES) {
            tokens.add(merge.replace(" ", ""));
        }
        tokens.add("<|endoftext|>");
        tokens.add("<think>");
        int[] types = new int[tokens.size()];
        Arrays.fill(types, Vocabulary.TYPE_NORMAL);
        int eot = tokens.size() - 2;
        types[eot] = Vocabulary.TYPE_CONTROL;
        types[eot + 1] = Vocabulary.TYPE_USER_DEFINED;
        return new Vocabulary(Vocabulary.Model.BYTE_LEVEL_BPE, pre, tokens.toArray(String[]::new), null, types,
                BPE_MERGES, eot, eot, -1, -1, -1, false, false);
    }

    static byte[] bpeVocabulary() {
        Vocabulary v = bpe("llama-bpe");
        return write(new GgufWriter().putString("general.architecture", "llama")
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "llama-bpe")
                .putStringArray("tokenizer.ggml.tokens", v.tokens())
                .putInt32Array("tokenizer.ggml.token_type", v.tokenTypes())
                .putStringArray("tokenizer.ggml.merges", v.merges())
                .putUint32("tokenizer.ggml.bos_token_id", v.bosId())
                .putUint32("tokenizer.ggml.eos_token_id", v.eosId())
                .putBool("tokenizer.ggml.add_bos_token", true));
    }

    /**
     * GPT-2's byte-to-character table: printable Latin-1 bytes stand for themselves, the other 68
     * bytes take the code points from U+0100 upwards in byte order.
     */
    static int gpt2Char(int b) {
        if (printable(b)) {
            return b;
        }
        int n = 0;
        for (int i = 0; i < b; i++) {
            if (!printable(i)) {
                n++;
            }
        }
        return 256 + n;
    }

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /**
     * A one-layer model of width 32 (2 query heads, 1 key/value head of 16) and a 16-token
     * vocabulary, weights seeded-random; qwen2 gets q/k/v biases, qwen3 q/k norms.
     */
    static byte[] tinyModel(String arch, GgmlType type, boolean ropeFreqs, boolean tied) {
        return write(tinyModelWriter(arch, type, ropeFreqs, tied, java.util.Set.of()));
    }

    /** The writer of {@link #tinyModel} before writing; {@code omit} may name {@code token_embd.weight} to leave it out. */
    static GgufWriter tinyModelWriter(String arch, GgmlType type, boolean ropeFreqs, boolean tied,
            java.util.Set<String> omit) {
        int dim = 32, heads = 2, kvHeads = 1, headDim = 16, ffn = 32, vocab = 16;
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", arch)
                .putUint32(arch + ".context_length", 64)
                .putUint32(arch + ".embedding_length", dim)
                .putUint32(arch + ".block_count", 1)
                .putUint32(arch + ".feed_forward_length", ffn)
                .putUint32(arch + ".attention.head_count", heads)
                .putUint32(arch + ".attention.head_count_kv", kvHeads)
                .putUint32(arch + ".rope.dimension_count", headDim)
                .putFloat32(arch + ".attention.layer_norm_rms_epsilon", 1e-5f)
                .putFloat32(arch + ".rope.freq_base", 10000f);
        SplittableRandom r = new SplittableRandom(arch.hashCode());
        if (!omit.contains("token_embd.weight")) {
            matrix(w, "token_embd.weight", vocab, dim, type, r);
        }
        if (ropeFreqs) {
            w.addTensor("rope_freqs.weight", new long[] {headDim / 2}, ones(headDim / 2));
        }
        String p = "blk.0.";
        w.addTensor(p + "attn_norm.weight", new long[] {dim}, ones(dim));
        matrix(w, p + "attn_q.weight", heads * headDim, dim, type, r);
        matrix(w, p + "attn_k.weight", kvHeads * headDim, dim, type, r);
        matrix(w, p + "attn_v.weight", kvHeads * headDim, dim, type, r);
        if (arch.equals("qwen2")) {
            w.addTensor(p + "attn_q.bias", new long[] {heads * headDim}, ones(heads * headDim));
            w.addTensor(p + "attn_k.bias", new long[] {kvHeads * headDim}, ones(kvHeads * headDim));
            w.addTensor(p + "attn_v.bias", new long[] {kvHeads * headDim}, ones(kvHeads * headDim));
        }
        if (arch.equals("qwen3")) {
            w.addTensor(p + "attn_q_norm.weight", new long[] {headDim}, ones(headDim));
            w.addTensor(p + "attn_k_norm.weight", new long[] {headDim}, ones(headDim));
        }
        matrix(w, p + "attn_output.weight", dim, heads * headDim, type, r);
        w.addTensor(p + "ffn_norm.weight", new long[] {dim}, ones(dim));
        matrix(w, p + "ffn_gate.weight", ffn, dim, type, r);
        matrix(w, p + "ffn_up.weight", ffn, dim, type, r);
        matrix(w, p + "ffn_down.weight", dim, ffn, type, r);
        w.addTensor("output_norm.weight", new long[] {dim}, ones(dim));
        if (!tied) {
            matrix(w, "output.weight", vocab, dim, type, r);
        }
        return w;
    }

    private static void matrix(GgufWriter w, String name, int rows, int cols, GgmlType type, SplittableRandom r) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        w.addTensor(name, new long[] {cols, rows}, type, Quantizer.quantize(type, v));
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    static byte[] write(GgufWriter w) {
        try {
            Path tmp = Files.createTempFile("logprobs4j-seed", ".gguf");
            try {
                w.write(tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
