package dev.logprobs4j.bench;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writer of a seeded random Llama-3.2-1B-shaped GGUF (dim 2048, 16 layers, 32 heads, 8 KV heads,
 * head dim 64, FFN 8192, vocab 128256, tied embeddings, rope theta 500000) in Q8_0, Q4_0 or llama.cpp's
 * Q4_K_M layout, or with every weight in one of the {@link #SINGLE_TYPES} (for {@code bench engine
 * --types}), with a generated GPT-2-style vocabulary so that llama.cpp loads it too.
 *
 * <p>Q4_K_M follows llama.cpp's {@code llama_tensor_get_type} for that file type: Q4_K everywhere,
 * Q6_K for the output matrix (here the tied token embedding, which llama.cpp treats as the output
 * when there is no {@code output.weight}), and Q6_K for {@code attn_v} and {@code ffn_down} of the
 * layers its {@code use_more_bits} picks: the first and last eighth and every third in between
 * (layers 0, 1, 4, 7, 10, 13, 14, 15 of 16: half of them).
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

    /**
     * Types a file can hold throughout ({@link #ensureSingleType}), each with llama.cpp's {@code
     * general.file_type} for such a file (the _S variant for K-quants).
     */
    static final Map<GgmlType, Integer> SINGLE_TYPES = new EnumMap<>(Map.ofEntries(Map.entry(GgmlType.Q8_0, 7),
            Map.entry(GgmlType.Q4_0, 2), Map.entry(GgmlType.Q4_1, 3), Map.entry(GgmlType.Q5_0, 8), Map.entry(GgmlType.Q5_1, 9),
            Map.entry(GgmlType.IQ4_NL, 25), Map.entry(GgmlType.Q2_K, 10), Map.entry(GgmlType.Q3_K, 11), Map.entry(GgmlType.Q4_K, 14),
            Map.entry(GgmlType.Q5_K, 16), Map.entry(GgmlType.Q6_K, 18), Map.entry(GgmlType.IQ4_XS, 30)));

    /** {@code all} or a comma-separated list of {@link #SINGLE_TYPES}, as {@code --types} takes them. */
    static List<GgmlType> parseTypes(String spec) {
        if (spec.equals("all")) {
            return List.copyOf(SINGLE_TYPES.keySet());
        }
        List<GgmlType> types = new ArrayList<>();
        for (String name : spec.split(",")) {
            GgmlType t = SINGLE_TYPES.keySet().stream().filter(k -> k.name().equalsIgnoreCase(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--types: '" + name + "' is not one of all, " + SINGLE_TYPES.keySet()));
            if (!types.contains(t)) {
                types.add(t);
            }
        }
        if (types.isEmpty()) {
            throw new IllegalArgumentException("--types needs at least one type");
        }
        return types;
    }

    /** The cached file with every weight in {@code type} (one of {@link #SINGLE_TYPES}), written first if missing or stale. */
    static Path ensureSingleType(GgmlType type, Path cacheDir) {
        if (!SINGLE_TYPES.containsKey(type)) {
            throw new IllegalArgumentException("type must be one of " + SINGLE_TYPES.keySet() + ", is " + type);
        }
        if (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) {
            return ensure(type, cacheDir);
        }
        return cached(cacheDir.resolve("llama-3.2-1b-shaped-only-" + type.name().toLowerCase() + "-v" + VERSION + ".gguf"), type, false);
    }

    /** The cached file for {@code type} (Q8_0, Q4_0, or Q4_K for the Q4_K_M layout), written first if missing or stale. */
    static Path ensure(GgmlType type, Path cacheDir) {
        if (type != GgmlType.Q8_0 && type != GgmlType.Q4_0 && type != GgmlType.Q4_K) {
            throw new IllegalArgumentException("type must be Q8_0, Q4_0 or Q4_K (Q4_K_M layout), is " + type);
        }
        String label = type == GgmlType.Q4_K ? "q4_k_m" : type.name().toLowerCase();
        return cached(cacheDir.resolve("llama-3.2-1b-shaped-" + label + "-v" + VERSION + ".gguf"), type, type == GgmlType.Q4_K);
    }

    private static Path cached(Path file, GgmlType type, boolean q4km) {
        Path cacheDir = file.getParent();
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
            build(type, q4km).write(tmp);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(marker, Long.toString(Files.size(file)));
            System.err.printf("wrote %s: %.2f GB in %.1f s%n", file.getFileName(), Files.size(file) / 1e9, (System.nanoTime() - t0) / 1e9);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the synthetic model into " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    /** The file in {@code type} throughout, or in the Q4_K_M layout ({@code type} Q4_K). */
    private static GgufWriter build(GgmlType type, boolean q4km) {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "llama-3.2-1b-shaped random " + (q4km ? "Q4_K_M" : type))
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
                .putUint32("general.file_type", q4km ? 15 : SINGLE_TYPES.get(type)); // 15: LLAMA_FTYPE_MOSTLY_Q4_K_M
        putVocabulary(w);
        long q = (long) HEADS * HEAD_DIM;
        long kv = (long) KV_HEADS * HEAD_DIM;
        boolean km = q4km;
        GgmlType output = km ? GgmlType.Q6_K : type; // tied: the embedding is the output matrix
        w.addTensor("token_embd.weight", new long[] {DIM, VOCAB}, output, blocks(output, "token_embd.weight", (long) DIM * VOCAB));
        for (int l = 0; l < LAYERS; l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {DIM}, ones(DIM));
            w.addTensor(p + "attn_q.weight", new long[] {DIM, q}, type, blocks(type, p + "attn_q", DIM * q));
            w.addTensor(p + "attn_k.weight", new long[] {DIM, kv}, type, blocks(type, p + "attn_k", DIM * kv));
            GgmlType more = km && useMoreBits(l, LAYERS) ? GgmlType.Q6_K : type;
            w.addTensor(p + "attn_v.weight", new long[] {DIM, kv}, more, blocks(more, p + "attn_v", DIM * kv));
            w.addTensor(p + "attn_output.weight", new long[] {q, DIM}, type, blocks(type, p + "attn_output", q * DIM));
            w.addTensor(p + "ffn_norm.weight", new long[] {DIM}, ones(DIM));
            w.addTensor(p + "ffn_gate.weight", new long[] {DIM, FFN}, type, blocks(type, p + "ffn_gate", (long) DIM * FFN));
            w.addTensor(p + "ffn_up.weight", new long[] {DIM, FFN}, type, blocks(type, p + "ffn_up", (long) DIM * FFN));
            w.addTensor(p + "ffn_down.weight", new long[] {FFN, DIM}, more, blocks(more, p + "ffn_down", (long) FFN * DIM));
        }
        w.addTensor("output_norm.weight", new long[] {DIM}, ones(DIM));
        return w;
    }

    /** llama.cpp's {@code use_more_bits(i, n)}: which layers of a Q4_K_M file get Q6_K attn_v and ffn_down. */
    static boolean useMoreBits(int layer, int layers) {
        return layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
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
     * Random blocks of {@code type} for {@code count} weights, seeded by the tensor name. The scale
     * gives weights a standard deviation near 0.02, so activations stay finite through 16 layers.
     */
    static byte[] blocks(GgmlType type, String name, long count) {
        if (type == GgmlType.Q4_K || type == GgmlType.Q6_K) {
            return kBlocks(type, name, count);
        }
        if (type != GgmlType.Q8_0 && type != GgmlType.Q4_0) {
            return otherBlocks(type, name, count);
        }
        int blockCount = Math.toIntExact(count / 32);
        int quantBytes = type == GgmlType.Q8_0 ? 32 : 16;
        int blockBytes = 2 + quantBytes;
        short scale = Float.floatToFloat16(type == GgmlType.Q8_0 ? 0.02f / 74f : 0.02f / 4.6f);
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

    /**
     * Random K-quant super-blocks (256 weights). Q4_K (144 bytes: d, dmin, 12 bytes of 6-bit
     * sub-block scales and mins, 128 bytes of nibbles): every sub-block scale and min is 32, and
     * dmin = 7.5 d, so weights are d * 32 * (q - 7.5), centred, std near 0.02. Q6_K (210 bytes: 128
     * low-nibble bytes, 64 high-bit bytes, 16 int8 scales, d): scales 16, weights d * 16 * (q - 32).
     */
    private static byte[] kBlocks(GgmlType type, String name, long count) {
        int blockCount = Math.toIntExact(count / 256);
        boolean q4 = type == GgmlType.Q4_K;
        int blockBytes = q4 ? 144 : 210;
        byte[] out = new byte[Math.multiplyExact(blockCount, blockBytes)];
        SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        short d = Float.floatToFloat16(q4 ? 0.02f / (32 * 4.6f) : 0.02f / (16 * 18.5f));
        short dmin = Float.floatToFloat16(q4 ? 7.5f * 0.02f / (32 * 4.6f) : 0f);
        for (int b = 0; b < blockCount; b++) {
            int at = b * blockBytes;
            int quantStart = q4 ? at + 16 : at;
            int quantBytes = q4 ? 128 : 192; // Q6_K: ql and qh together
            for (int i = 0; i < quantBytes; i += 8) {
                long bits = random.nextLong();
                for (int j = 0; j < 8; j++) {
                    out[quantStart + i + j] = (byte) (bits >>> (8 * j));
                }
            }
            if (q4) {
                out[at] = (byte) d;
                out[at + 1] = (byte) (d >> 8);
                out[at + 2] = (byte) dmin;
                out[at + 3] = (byte) (dmin >> 8);
                // 6-bit scale and min 32 = 0b100000 for all eight sub-blocks: bytes 0-7 hold the low six
                // bits of the first four and the top two of the last four, bytes 8-11 their low nibbles.
                for (int j = 0; j < 8; j++) {
                    out[at + 4 + j] = (byte) 0xA0;
                }
            } else {
                for (int j = 0; j < 16; j++) {
                    out[at + 192 + j] = 16;
                }
                out[at + 208] = (byte) d;
                out[at + 209] = (byte) (d >> 8);
            }
        }
        return out;
    }

    /**
     * Random blocks of the other {@link #SINGLE_TYPES}: random quant bits, then scales (and mins)
     * that centre the weights and give them a standard deviation near 0.02. Where a type has
     * sub-block scales they are fixed (Q2_K: scale 2, min 3; Q5_K: scale and min 32, dmin 15.5 d;
     * IQ4_XS: 1), except Q3_K's, which stay random (their packing has no simple constant).
     */
    private static byte[] otherBlocks(GgmlType type, String name, long count) {
        int blockCount = Math.toIntExact(count / type.blockSize());
        int blockBytes = type.blockBytes();
        byte[] out = new byte[Math.multiplyExact(blockCount, blockBytes)];
        SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode() * 0x9E3779B97F4A7C15L);
        for (int i = 0; i < out.length; i += 8) {
            long bits = random.nextLong();
            for (int j = 0; j < 8 && i + j < out.length; j++) {
                out[i + j] = (byte) (bits >>> (8 * j));
            }
        }
        for (int at = 0; at < out.length; at += blockBytes) {
            switch (type) {
                case Q4_1 -> { // d * q + m, q in 0..15
                    half(out, at, 0.02f / 4.61f);
                    half(out, at + 2, -7.5f * 0.02f / 4.61f);
                }
                case Q5_0 -> half(out, at, 0.02f / 9.23f); // d * (q - 16)
                case Q5_1 -> { // d * q + m, q in 0..31
                    half(out, at, 0.02f / 9.23f);
                    half(out, at + 2, -15.5f * 0.02f / 9.23f);
                }
                case IQ4_NL -> half(out, at, 0.02f / 67f); // d * grid[q]; the grid's RMS is near 67
                case Q2_K -> { // d * 2 * q - dmin * 3, q in 0..3
                    Arrays.fill(out, at, at + 16, (byte) 0x32);
                    half(out, at + 80, 0.02f / 2.24f);
                    half(out, at + 82, 0.02f / 2.24f);
                }
                case Q3_K -> half(out, at + 108, 0.02f / 42f); // d * (s - 32) * q, s random 6-bit, q in -4..3
                case Q5_K -> { // d * 32 * q - dmin * 32, q in 0..31; scale bytes as in kBlocks
                    Arrays.fill(out, at + 4, at + 12, (byte) 0xA0);
                    Arrays.fill(out, at + 12, at + 16, (byte) 0);
                    half(out, at, 0.02f / (32 * 9.23f));
                    half(out, at + 2, 15.5f * 0.02f / (32 * 9.23f));
                }
                case IQ4_XS -> { // d * (s - 32) * grid[q] with every 6-bit s = 33: low nibbles 1, high bits 2
                    half(out, at, 0.02f / 67f);
                    out[at + 2] = (byte) 0xAA;
                    out[at + 3] = (byte) 0xAA;
                    Arrays.fill(out, at + 4, at + 8, (byte) 0x11);
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return out;
    }

    private static void half(byte[] out, int at, float value) {
        short h = Float.floatToFloat16(value);
        out[at] = (byte) h;
        out[at + 1] = (byte) (h >> 8);
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
