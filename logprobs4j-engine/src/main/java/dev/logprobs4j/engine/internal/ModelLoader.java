package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.LoadOptions;
import dev.logprobs4j.engine.ModelConfig;
import dev.logprobs4j.engine.RopeType;
import dev.logprobs4j.engine.tensor.WeightMatrices;
import dev.logprobs4j.engine.tensor.WeightMatrix;
import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.gguf.GgufMetadata;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a {@link ModelConfig} and {@link Weights} from a GGUF file. Stateless apart from progress counting; not thread-safe. */
public final class ModelLoader {
    /** Architectures this engine runs. */
    public static final Set<String> SUPPORTED = Set.of("llama", "qwen2", "qwen3", "gemma", "gemma2", "gemma3", "phi3", "smollm3");

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final GgufFile gguf;
    private final LoadOptions options;
    private final long totalBytes;
    private long doneBytes;

    public ModelLoader(GgufFile gguf, LoadOptions options) {
        this.gguf = gguf;
        this.options = options;
        this.totalBytes = gguf.tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum();
    }

    /** Reads the hyperparameters; the vocabulary size comes from {@code token_embd.weight}. */
    public ModelConfig config() {
        GgufMetadata m = gguf.metadata();
        String arch = m.getString("general.architecture");
        if (!SUPPORTED.contains(arch)) {
            throw new GgufFormatException(gguf.path(), -1, "general.architecture is '" + arch
                    + "', which this engine does not run (supported: llama, qwen2, qwen3, gemma, gemma2, gemma3, phi3, smollm3)");
        }
        int dim = m.getInt(arch + ".embedding_length");
        int heads = m.getInt(arch + ".attention.head_count");
        int kvHeads = m.findInt(arch + ".attention.head_count_kv").orElse(heads);
        if (dim <= 0 || heads <= 0 || kvHeads <= 0) {
            throw new GgufFormatException(gguf.path(), -1, arch + ".embedding_length (" + dim + "), attention.head_count ("
                    + heads + ") and attention.head_count_kv (" + kvHeads + ") must all be > 0");
        }
        int keyLength = m.findInt(arch + ".attention.key_length").orElse(dim / heads);
        int valueLength = m.findInt(arch + ".attention.value_length").orElse(keyLength);
        GgufTensorInfo embd = gguf.tensor("token_embd.weight");
        int vocab = Math.toIntExact(embd.dim(1));
        if (embd.dim(0) != dim) {
            throw new GgufFormatException(gguf.path(), -1, "token_embd.weight has shape " + Arrays.toString(embd.shape())
                    + ", expected [" + dim + ", vocab] for embedding_length " + dim);
        }
        float scale = 1f;
        Optional<String> scalingType = m.findString(arch + ".rope.scaling.type");
        if (scalingType.isPresent() && scalingType.get().equals("linear")) {
            float factor = m.findFloat(arch + ".rope.scaling.factor").orElse(1f);
            scale = factor > 0 ? 1f / factor : 1f;
        } else if (scalingType.isPresent() && !scalingType.get().equals("none")) {
            throw new GgufFormatException(gguf.path(), -1, arch + ".rope.scaling.type is '" + scalingType.get()
                    + "', which this engine does not implement (supported: none, linear, and Llama 3 factors in rope_freqs.weight)");
        } else if (m.contains(arch + ".rope.scale_linear")) {
            scale = 1f / m.getFloat(arch + ".rope.scale_linear");
        }
        boolean tied = gguf.findTensor("output.weight").isEmpty();
        int blocks = m.getInt(arch + ".block_count");
        boolean gemma = arch.startsWith("gemma");
        // llama.cpp scales queries by 1/sqrt(head_dim), except for the 27B Gemma 2/3 shapes (46 / 62
        // layers), whose query_pre_attn_scalar is dim/heads; it picks the rule by model size, not by a key.
        boolean gemma27b = arch.equals("gemma2") && blocks == 46 || arch.equals("gemma3") && blocks == 62;
        float attentionScale = (float) (1.0 / Math.sqrt(gemma27b ? dim / heads : keyLength));
        int slidingWindow = switch (arch) {
            case "gemma2" -> m.findInt(arch + ".attention.sliding_window").orElse(4096); // llama.cpp's default for gemma2
            case "gemma3" -> m.getInt(arch + ".attention.sliding_window");
            case "phi3" -> m.findInt(arch + ".attention.sliding_window").orElse(0);
            default -> 0;
        };
        if (slidingWindow < 0) {
            throw new GgufFormatException(gguf.path(), -1, arch + ".attention.sliding_window must be >= 0, is " + slidingWindow);
        }
        boolean phiFactors = arch.equals("phi3") && gguf.findTensor("rope_factors_short.weight").isPresent();
        return new ModelConfig(
                arch,
                vocab,
                dim,
                blocks,
                heads,
                kvHeads,
                keyLength,
                valueLength,
                m.getInt(arch + ".feed_forward_length"),
                m.getInt(arch + ".context_length"),
                m.getFloat(arch + ".attention.layer_norm_rms_epsilon"),
                m.findFloat(arch + ".rope.freq_base").orElse(10000f),
                scale,
                m.findInt(arch + ".rope.dimension_count").orElse(keyLength),
                // smollm3 is converted as llama (q/k permuted): adjacent pairs.
                arch.equals("llama") || arch.equals("smollm3") ? RopeType.NORMAL : RopeType.NEOX,
                gguf.findTensor("rope_freqs.weight").isPresent() || phiFactors,
                gguf.findTensor("blk.0.attn_q.bias").isPresent(),
                arch.equals("qwen3") || arch.equals("gemma3") || gguf.findTensor("blk.0.attn_q_norm.weight").isPresent(),
                tied,
                gemma ? (float) Math.sqrt(dim) : 1f,
                gemma,
                arch.equals("gemma2") || arch.equals("gemma3"),
                attentionScale,
                arch.equals("gemma2") ? m.findFloat(arch + ".attn_logit_softcapping").orElse(50f) : 0f,
                arch.equals("gemma2") ? m.findFloat(arch + ".final_logit_softcapping").orElse(30f) : 0f,
                slidingWindow,
                switch (arch) {
                    case "gemma2" -> 2;
                    case "gemma3" -> 6;
                    default -> 0;
                },
                arch.equals("gemma3") ? 10000f : 0f,
                m.findFloat(arch + ".rope.scaling.attn_factor").orElse(1f),
                phiFactors ? m.getInt(arch + ".rope.scaling.original_context_length") : 0,
                arch.equals("smollm3") ? 4 : 0); // llama.cpp's fixed n_no_rope_layer_step; no GGUF key holds it
    }

    /** Creates the weight views (and preloads their pages if asked), reporting progress per tensor. */
    public Weights weights(ModelConfig c) {
        WeightMatrix embd = matrix("token_embd.weight", c.vocabularySize(), c.embeddingLength());
        // Every block has several tensors: a block count beyond the tensor count is corrupt, and
        // must not size an allocation.
        if (c.blockCount() > gguf.tensors().size()) {
            throw new GgufFormatException(gguf.path(), -1, c.architecture() + ".block_count is " + c.blockCount()
                    + " but the file holds only " + gguf.tensors().size() + " tensors");
        }
        List<LayerWeights> layers = new ArrayList<>(c.blockCount());
        int dim = c.embeddingLength();
        for (int i = 0; i < c.blockCount(); i++) {
            String p = "blk." + i + ".";
            int attnOut = c.headCount() * c.valueLength();
            WeightMatrix[] qkv;
            if (gguf.findTensor(p + "attn_qkv.weight").isPresent()) {
                // phi3: q, k and v stacked in one tensor; split at load into row ranges of the same bytes.
                qkv = split(p + "attn_qkv.weight", dim, c.queryDim(), c.keyDim(), c.valueDim());
            } else {
                qkv = new WeightMatrix[] {matrix(p + "attn_q.weight", c.queryDim(), dim), matrix(p + "attn_k.weight", c.keyDim(), dim),
                    matrix(p + "attn_v.weight", c.valueDim(), dim)};
            }
            WeightMatrix[] gateUp;
            if (gguf.findTensor(p + "ffn_gate.weight").isEmpty() && c.architecture().equals("phi3")) {
                // phi3: ffn_up holds gate then up (llama.cpp's fused SwiGLU takes the first half as the gate).
                gateUp = split(p + "ffn_up.weight", dim, c.feedForwardLength(), c.feedForwardLength());
            } else {
                gateUp = new WeightMatrix[] {matrix(p + "ffn_gate.weight", c.feedForwardLength(), dim),
                    matrix(p + "ffn_up.weight", c.feedForwardLength(), dim)};
            }
            boolean post = c.postNorms();
            layers.add(new LayerWeights(
                    vector(p + "attn_norm.weight", c.embeddingLength()),
                    qkv[0],
                    qkv[1],
                    qkv[2],
                    matrix(p + "attn_output.weight", c.embeddingLength(), attnOut),
                    c.attentionBias() ? vector(p + "attn_q.bias", c.queryDim()) : null,
                    c.attentionBias() ? vector(p + "attn_k.bias", c.keyDim()) : null,
                    c.attentionBias() ? vector(p + "attn_v.bias", c.valueDim()) : null,
                    c.queryKeyNorm() ? vector(p + "attn_q_norm.weight", c.keyLength()) : null,
                    c.queryKeyNorm() ? vector(p + "attn_k_norm.weight", c.keyLength()) : null,
                    vector(p + "ffn_norm.weight", c.embeddingLength()),
                    gateUp[0],
                    gateUp[1],
                    matrix(p + "ffn_down.weight", c.embeddingLength(), c.feedForwardLength()),
                    post ? vector(p + "post_attention_norm.weight", dim) : null,
                    post ? vector(p + "post_ffw_norm.weight", dim) : null));
        }
        float[] outNorm = vector("output_norm.weight", c.embeddingLength());
        WeightMatrix out = c.tiedEmbeddings() ? embd : matrix("output.weight", c.vocabularySize(), c.embeddingLength());
        float[] freqs = null;
        float[] longFreqs = null;
        if (c.ropeOriginalContext() > 0) {
            freqs = vector("rope_factors_short.weight", c.ropeDimensionCount() / 2);
            longFreqs = vector("rope_factors_long.weight", c.ropeDimensionCount() / 2);
        } else if (c.ropeFrequencyFactors()) {
            freqs = vector("rope_freqs.weight", c.ropeDimensionCount() / 2);
        }
        return new Weights(embd, List.copyOf(layers), outNorm, out, freqs, longFreqs);
    }

    /** A fused tensor of {@code cols}-wide rows cut into consecutive row ranges of the given heights. */
    private WeightMatrix[] split(String name, int cols, int... heights) {
        GgufTensorInfo t = gguf.tensor(name);
        int rows = Arrays.stream(heights).sum();
        if (t.rank() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
            throw new GgufFormatException(gguf.path(), -1, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "] from the metadata");
        }
        MemorySegment data = gguf.data(t);
        long rowBytes = t.type().byteSize((long) cols);
        WeightMatrix[] parts = new WeightMatrix[heights.length];
        long row = 0;
        for (int i = 0; i < heights.length; i++) {
            parts[i] = WeightMatrices.of(name + "[" + row + ".." + (row + heights[i]) + ")", t.type(), heights[i], cols,
                    data.asSlice(row * rowBytes, heights[i] * rowBytes));
            row += heights[i];
        }
        loaded(t, data);
        return parts;
    }

    private WeightMatrix matrix(String name, int rows, int cols) {
        GgufTensorInfo t = gguf.tensor(name);
        if (t.rank() != 2 || t.dim(0) != cols || t.dim(1) != rows) {
            throw new GgufFormatException(gguf.path(), -1, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "] from the metadata");
        }
        MemorySegment data = gguf.data(t);
        WeightMatrix w = WeightMatrices.of(t, data);
        loaded(t, data);
        return w;
    }

    private float[] vector(String name, int length) {
        GgufTensorInfo t = gguf.tensor(name);
        if (t.elementCount() != length) {
            throw new GgufFormatException(gguf.path(), -1, "tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + length + " elements");
        }
        MemorySegment data = gguf.data(t);
        float[] v = new float[length];
        switch (t.type()) {
            case F32 -> MemorySegment.copy(data, F32, 0, v, 0, length);
            case F16 -> {
                for (int i = 0; i < length; i++) {
                    v[i] = Float.float16ToFloat(data.get(U16, 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < length; i++) {
                    v[i] = Float.intBitsToFloat((data.get(U16, 2L * i) & 0xFFFF) << 16);
                }
            }
            default -> throw new GgufFormatException(gguf.path(), -1, "tensor '" + name + "' has type " + t.type()
                    + "; vectors must be " + GgmlType.F32 + ", " + GgmlType.F16 + " or " + GgmlType.BF16);
        }
        loaded(t, data);
        return v;
    }

    private void loaded(GgufTensorInfo t, MemorySegment data) {
        if (options.preload()) {
            data.load();
        }
        doneBytes += t.byteSize();
        options.progress().onProgress(doneBytes, totalBytes, t.name());
    }
}
