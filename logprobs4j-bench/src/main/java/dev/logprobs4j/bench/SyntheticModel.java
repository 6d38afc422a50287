package dev.logprobs4j.bench;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writer of a seeded random Llama-3.2-1B-shaped GGUF (dim 2048, 16 layers, 32 heads, 8 KV heads,
 * head dim 64, FFN 8192, vocab 128256, tied embeddings, rope theta 500000) in one weight type, with a
 * generated GPT-2-style vocabulary so that llama.cpp loads it too.
 *
 * <p>Quantised blocks are drawn directly (random quants, one fixed scale per type) instead of
 * quantising floats: the kernels' speed does not depend on the values, and a 1.3 GB file is
 * written in seconds. The file is written once into a cache folder and reused while its size and
 * the marker written after it match. Stateless apart from the file system; thread-safe.
 */
final class SyntheticModel {
    static final int DIM = 2048;
    static final int LAYERS = 16;
    static final int HEADS = 32;
    static final int KV_HEADS = 8;
    static final int HEAD_DIM = 64;
    static final int FFN = 8192;
    static final int VOCAB = 128256;
    /** Ids below this are ordinary tokens; the rest are control tokens, as in Llama 3. */
    static final int FIRST_SPECIAL = 128000;
    static final int BOS = 128000;
    static final int EOS = 128001;
    private static final long SEED = 0x5EED_1B_2048L;
    /** Bumped whenever the written bytes change, so a stale cached file is rewritten. */
    private static final int VERSION = 1;

    private SyntheticModel() {}

    /** The cached file for {@code type} (one of {@link #LAYOUTS}), written first if missing or stale. */
    static Path ensure(GgmlType type, Path cacheDir) {
        if (!LAYOUTS.containsKey(type)) {
            throw new IllegalArgumentException("type must be one of " + LAYOUTS.keySet() + ", is " + type);
        }
        Path file = cacheDir.resolve("llama-3.2-1b-shaped-" + type.name().toLowerCase() + "-v" + VERSION + ".gguf");
        Path marker = cacheDir.resolve(file.getFileName() + ".ok");
        try {
            if (Files.exists(file) && Files.exists(marker)
                    && Files.readString(marker).trim().equals(Long.toString(Files.size(file)))) {
                return file;
            }
            Files.createDirectories(cacheDir);
            Files.deleteIfExists(marker);
            System.err.printf("writing %s (once; reused afterwards) ...%n", file);
            long t0 = System.nanoTime();
            Path tmp = cacheDir.resolve(file.getFileName() + ".tmp");
            build(type).write(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(marker, Long.toString(Files.size(file)));
            System.err.printf("wrote %s: %.2f GB in %.1f s%n", file.getFileName(), Files.size(file) / 1e9, (System.nanoTime() - t0) / 1e9);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic model into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    private static GgufWriter build(GgmlType type) {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "llama-3.2-1b-shaped random " + type)
                .putUint32("llama.context_length", 131072)
                .putUint32("llama.embedding_length", DIM)
                .putUint32("llama.block_count", LAYERS)
                .putUint32("llama.feed_forward_length", FFN)
                .putUint32("llama.attention.head_count", HEADS)
                .putUint32("llama.attention.head_count_kv", KV_HEADS)
                .putUint32("llama.attention.key_length", HEAD_DIM)
                .putUint32("llama.attention.value_length", HEAD_DIM)
                .putUint32("llama.rope.dimension_count", HEAD_DIM)
                .putFloat32("llama.rope.freq_base", 500000f)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putUint32("llama.vocab_size", VOCAB)
                .putUint32("general.file_type", LAYOUTS.get(type).fileType());
        putVocabulary(w);
        long q = (long) HEADS * HEAD_DIM;
        long kv = (long) KV_HEADS * HEAD_DIM;
        w.addTensor("token_embd.weight", new long[] {DIM, VOCAB}, type, blocks(type, "token_embd.weight", (long) DIM * VOCAB));
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {DIM}, ones(DIM));
            w.addTensor(p + "attn_q.weight", new long[] {DIM, q}, type, blocks(type, p + "attn_q", DIM * q));
            w.addTensor(p + "attn_k.weight", new long[] {DIM, kv}, type, blocks(type, p + "attn_k", DIM * kv));
            w.addTensor(p + "attn_v.weight", new long[] {DIM, kv}, type, blocks(type, p + "attn_v", DIM * kv));
            w.addTensor(p + "attn_output.weight", new long[] {q, DIM}, type, blocks(type, p + "attn_output", q * DIM));
            w.addTensor(p + "ffn_norm.weight", new long[] {DIM}, ones(DIM));
            w.addTensor(p + "ffn_gate.weight", new long[] {DIM, FFN}, type, blocks(type, p + "ffn_gate", (long) DIM * FFN));
            w.addTensor(p + "ffn_up.weight", new long[] {DIM, FFN}, type, blocks(type, p + "ffn_up", (long) DIM * FFN));
            w.addTensor(p + "ffn_down.weight", new long[] {FFN, DIM}, type, blocks(type, p + "ffn_down", (long) FFN * DIM));
        }
        w.addTensor("output_norm.weight", new long[] {DIM}, ones(DIM));
        return w;
    }

    /**
     * A byte-level BPE vocabulary without merges: ids 0-255 are the 256 byte symbols of GPT-2's
     * byte-to-unicode table, then generated lowercase words, then Llama 3's control tokens.
     * Benchmarks feed token ids, so the vocabulary only has to be valid, not useful.
     */
    private static void putVocabulary(GgufWriter w) {
        String[] tokens = new String[VOCAB];
        int[] types = new int[VOCAB];
        for (int b = 0; b < 256; b++) {
            tokens[b] = new String(Character.toChars(byteSymbol(b)));
            types[b] = 1;
        }
        for (int id = 256; id < FIRST_SPECIAL; id++) {
            StringBuilder s = new StringBuilder("w");
            for (int n = id; n > 0; n /= 26) {
                s.append((char) ('a' + n % 26));
            }
            tokens[id] = s.toString();
            types[id] = 1;
        }
        for (int id = FIRST_SPECIAL; id < VOCAB; id++) {
            tokens[id] = switch (id) {
                case BOS -> "<|begin_of_text|>";
                case EOS -> "<|end_of_text|>";
                default -> "<|reserved_special_token_" + (id - FIRST_SPECIAL) + "|>";
            };
            types[id] = 3;
        }
        w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "llama-bpe")
                .putStringArray("tokenizer.ggml.tokens", tokens)
                .putInt32Array("tokenizer.ggml.token_type", types)
                .putStringArray("tokenizer.ggml.merges")
                .putUint32("tokenizer.ggml.bos_token_id", BOS)
                .putUint32("tokenizer.ggml.eos_token_id", EOS);
    }

    /** GPT-2's byte-to-unicode table: printable Latin-1 bytes stand for themselves, the rest map to 256 + n. */
    private static int byteSymbol(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) {
            return b;
        }
        int n = 0;
        for (int i = 0; i < b; i++) {
            boolean p = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF);
            if (!p) {
                n++;
            }
        }
        return 256 + n;
    }

    /**
     * Where a type keeps its half-precision scales in a block, the scale that gives weights a
     * standard deviation near 0.02 with random quant bits (so activations stay finite through 16
     * layers), and llama.cpp's {@code general.file_type} for a file of only this type.
     *
     * @param scaleOffsets byte offsets of the scales ({@code d}) in a block
     * @param minOffsets byte offsets of the mins ({@code m} / {@code dmin}), set to the scale too
     * @param scale value of {@code d}
     * @param fileType llama.cpp's {@code llama_ftype} (the _S variant for K-quants)
     */
    record Layout(int[] scaleOffsets, int[] minOffsets, float scale, int fileType) {}

    static final java.util.Map<GgmlType, Layout> LAYOUTS = new java.util.EnumMap<>(java.util.Map.ofEntries(
            java.util.Map.entry(GgmlType.Q8_0, new Layout(new int[] {0}, new int[0], 0.02f / 74f, 7)),
            java.util.Map.entry(GgmlType.Q4_0, new Layout(new int[] {0}, new int[0], 0.02f / 4.6f, 2)),
            java.util.Map.entry(GgmlType.Q4_1, new Layout(new int[] {0}, new int[] {2}, 0.02f / 4.6f, 3)),
            java.util.Map.entry(GgmlType.Q5_0, new Layout(new int[] {0}, new int[0], 0.02f / 9.2f, 8)),
            java.util.Map.entry(GgmlType.Q5_1, new Layout(new int[] {0}, new int[] {2}, 0.02f / 9.2f, 9)),
            java.util.Map.entry(GgmlType.IQ4_NL, new Layout(new int[] {0}, new int[0], 0.02f / 70f, 25)),
            java.util.Map.entry(GgmlType.Q2_K, new Layout(new int[] {80}, new int[] {82}, 0.02f / 10f, 10)),
            java.util.Map.entry(GgmlType.Q3_K, new Layout(new int[] {108}, new int[0], 0.02f / 40f, 11)),
            java.util.Map.entry(GgmlType.Q4_K, new Layout(new int[] {0}, new int[] {2}, 0.02f / 140f, 14)),
            java.util.Map.entry(GgmlType.Q5_K, new Layout(new int[] {0}, new int[] {2}, 0.02f / 280f, 16)),
            java.util.Map.entry(GgmlType.Q6_K, new Layout(new int[] {208}, new int[0], 0.02f / 1300f, 18)),
            java.util.Map.entry(GgmlType.IQ4_XS, new Layout(new int[] {0}, new int[0], 0.02f / 1300f, 30))));

    /** {@code all} or a comma-separated list of the types in {@link #LAYOUTS}. */
    static List<GgmlType> parseTypes(String spec) {
        if (spec.equals("all")) {
            return List.copyOf(LAYOUTS.keySet());
        }
        List<GgmlType> types = new java.util.ArrayList<>();
        for (String name : spec.split(",")) {
            GgmlType t;
            try {
                t = GgmlType.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                t = null;
            }
            if (t == null || !LAYOUTS.containsKey(t)) {
                throw new IllegalArgumentException("--types: '" + name + "' is not one of all, " + LAYOUTS.keySet());
            }
            types.add(t);
        }
        return types;
    }

    /**
     * Random blocks of {@code type} for {@code count} weights, seeded by the tensor name: random
     * quant bits (for K-quants also random sub-block scales) with the {@link Layout}'s scale.
     */
    static byte[] blocks(GgmlType type, String name, long count) {
        if (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) {
            return legacyBlocks(type, name, count);
        }
        Layout layout = LAYOUTS.get(type);
        int blockCount = Math.toIntExact(count / type.blockSize());
        int blockBytes = type.blockBytes();
        short scale = Float.floatToFloat16(layout.scale());
        byte[] out = new byte[Math.multiplyExact(blockCount, blockBytes)];
        SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        for (int i = 0; i < out.length; i += 8) {
            long bits = random.nextLong();
            for (int j = 0; j < 8 && i + j < out.length; j++) {
                out[i + j] = (byte) (bits >>> (8 * j));
            }
        }
        for (int b = 0, at = 0; b < blockCount; b++, at += blockBytes) {
            for (int offset : layout.scaleOffsets()) {
                out[at + offset] = (byte) scale;
                out[at + offset + 1] = (byte) (scale >> 8);
            }
            for (int offset : layout.minOffsets()) {
                out[at + offset] = (byte) scale;
                out[at + offset + 1] = (byte) (scale >> 8);
            }
        }
        return out;
    }

    /** The version-1 bytes of Q8_0 and Q4_0 files, unchanged so that cached files stay valid. */
    private static byte[] legacyBlocks(GgmlType type, String name, long count) {
        int blockCount = Math.toIntExact(count / 32);
        int quantBytes = type == GgmlType.Q8_0 ? 32 : 16;
        int blockBytes = 2 + quantBytes;
        short scale = Float.floatToFloat16(LAYOUTS.get(type).scale());
        byte[] out = new byte[Math.multiplyExact(blockCount, blockBytes)];
        SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        for (int b = 0, at = 0; b < blockCount; b++) {
            out[at] = (byte) scale;
            out[at + 1] = (byte) (scale >> 8);
            at += 2;
            for (int i = 0; i < quantBytes; i += 8, at += 8) {
                long bits = random.nextLong();
                for (int j = 0; j < 8; j++) {
                    out[at + j] = (byte) (bits >>> (8 * j));
                }
            }
        }
        return out;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** Deterministic ordinary token ids in {@code [lo, hi)} for prompts. */
    static int[] promptIds(int n, int lo, int hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(lo, hi);
        }
        return ids;
    }

    static String describe() {
        return "Llama-3.2-1B-shaped: dim " + DIM + ", " + LAYERS + " layers, " + HEADS + "/" + KV_HEADS + " heads x " + HEAD_DIM
                + ", ffn " + FFN + ", vocab " + VOCAB + ", tied, theta 500000";
    }
}
