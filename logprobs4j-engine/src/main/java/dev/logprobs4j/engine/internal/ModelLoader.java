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
    public static final Set<String> SUPPORTED = Set.of("llama", "qwen2", "qwen3");

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
                    + "', which this engine does not run (supported: llama, qwen2, qwen3)");
        }
        int dim = m.getInt(arch + ".embedding_length");
        int heads = m.getInt(arch + ".attention.head_count");
        int kvHeads = m.findInt(arch + ".attention.head_count_kv").orElse(heads);
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
        return new ModelConfig(
                arch,
                vocab,
                dim,
                m.getInt(arch + ".block_count"),
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
                arch.equals("llama") ? RopeType.NORMAL : RopeType.NEOX,
                gguf.findTensor("rope_freqs.weight").isPresent(),
                gguf.findTensor("blk.0.attn_q.bias").isPresent(),
                arch.equals("qwen3") || gguf.findTensor("blk.0.attn_q_norm.weight").isPresent(),
                tied);
    }

    /** Creates the weight views (and preloads their pages if asked), reporting progress per tensor. */
    public Weights weights(ModelConfig c) {
        WeightMatrix embd = matrix("token_embd.weight", c.vocabularySize(), c.embeddingLength());
        List<LayerWeights> layers = new ArrayList<>(c.blockCount());
        for (int i = 0; i < c.blockCount(); i++) {
            String p = "blk." + i + ".";
            int attnOut = c.headCount() * c.valueLength();
            layers.add(new LayerWeights(
                    vector(p + "attn_norm.weight", c.embeddingLength()),
                    matrix(p + "attn_q.weight", c.queryDim(), c.embeddingLength()),
                    matrix(p + "attn_k.weight", c.keyDim(), c.embeddingLength()),
                    matrix(p + "attn_v.weight", c.valueDim(), c.embeddingLength()),
                    matrix(p + "attn_output.weight", c.embeddingLength(), attnOut),
                    c.attentionBias() ? vector(p + "attn_q.bias", c.queryDim()) : null,
                    c.attentionBias() ? vector(p + "attn_k.bias", c.keyDim()) : null,
                    c.attentionBias() ? vector(p + "attn_v.bias", c.valueDim()) : null,
                    c.queryKeyNorm() ? vector(p + "attn_q_norm.weight", c.keyLength()) : null,
                    c.queryKeyNorm() ? vector(p + "attn_k_norm.weight", c.keyLength()) : null,
                    vector(p + "ffn_norm.weight", c.embeddingLength()),
                    matrix(p + "ffn_gate.weight", c.feedForwardLength(), c.embeddingLength()),
                    matrix(p + "ffn_up.weight", c.feedForwardLength(), c.embeddingLength()),
                    matrix(p + "ffn_down.weight", c.embeddingLength(), c.feedForwardLength())));
        }
        float[] outNorm = vector("output_norm.weight", c.embeddingLength());
        WeightMatrix out = c.tiedEmbeddings() ? embd : matrix("output.weight", c.vocabularySize(), c.embeddingLength());
        float[] freqs = c.ropeFrequencyFactors() ? vector("rope_freqs.weight", c.ropeDimensionCount() / 2) : null;
        return new Weights(embd, List.copyOf(layers), outNorm, out, freqs);
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
