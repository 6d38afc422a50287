package dev.logprobs4j.engine;

import dev.logprobs4j.engine.internal.Forward;
import dev.logprobs4j.engine.internal.KvCache;
import dev.logprobs4j.engine.internal.ModelLoader;
import dev.logprobs4j.engine.internal.RopeTable;
import dev.logprobs4j.engine.internal.VectorApi;
import dev.logprobs4j.engine.internal.Weights;
import dev.logprobs4j.engine.tensor.MatMul;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A loaded GGUF model: its configuration and weights, left memory-mapped in their stored encoding.
 *
 * <p>Immutable and thread-safe; many {@link Session}s (one per thread) can share one model.
 * Closing the model unmaps the file, after which its sessions fail.
 *
 * {@snippet :
 * try (Model model = Model.load(path, LoadOptions.builder().threads(2).build())) {
 *     Session session = model.newSession(512);
 *     float[] logits = session.prefill(new int[] {1, 403, 407, 261, 378});
 * }
 * }
 */
public final class Model implements AutoCloseable {
    private final GgufFile gguf;
    private final ModelConfig config;
    private final Weights weights;
    private final int threads;
    private final boolean exact;
    private volatile RopeTable rope; // the largest table built so far; sessions share it
    private RopeTable longRope; // phi3 sessions beyond the original context; guarded by this

    private Model(GgufFile gguf, ModelConfig config, Weights weights, LoadOptions options) {
        this.gguf = gguf;
        this.config = config;
        this.weights = weights;
        this.threads = options.threads();
        this.exact = options.exact();
    }

    /** Loads {@code path} with {@link LoadOptions#defaults()}. */
    public static Model load(Path path) {
        return load(path, LoadOptions.defaults());
    }

    /**
     * Opens and maps {@code path}, reads its configuration and prepares its weights.
     *
     * @throws dev.logprobs4j.gguf.GgufFormatException if the file is malformed, of an unsupported
     *     architecture or tensor type, or lacks a tensor or key the architecture needs
     * @throws IllegalStateException if the JVM was started without {@code --add-modules jdk.incubator.vector}
     */
    public static Model load(Path path, LoadOptions options) {
        VectorApi.require();
        GgufFile gguf = GgufFile.open(path);
        try {
            ModelInfo info = ModelInfo.of(gguf);
            if (!info.engineRefusal().isEmpty()) {
                throw new GgufFormatException(path, -1, info.engineRefusal());
            }
            ModelLoader loader = new ModelLoader(gguf, options);
            ModelConfig config = loader.config();
            Weights weights = loader.weights(config);
            return new Model(gguf, config, weights, options);
        } catch (GgufFormatException e) {
            gguf.close();
            throw e;
        } catch (IllegalArgumentException | ArithmeticException e) {
            // Hyperparameters that contradict each other or the tensors (found by fuzzing): name the
            // file, as every other load error does, instead of leaking an internal check.
            gguf.close();
            throw new GgufFormatException(path, -1, "inconsistent model: " + e.getMessage());
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    /** The hyperparameters. */
    public ModelConfig config() {
        return config;
    }

    /** The underlying file, e.g. for tokenizer metadata. */
    public GgufFile gguf() {
        return gguf;
    }

    /** The Jinja chat template stored as {@code tokenizer.chat_template}, if any. */
    public Optional<String> chatTemplate() {
        return gguf.metadata().findString("tokenizer.chat_template");
    }

    /**
     * A new session with room for {@code contextLength} tokens in its KV cache.
     *
     * @throws IllegalArgumentException if {@code contextLength} is not positive
     */
    public Session newSession(int contextLength) {
        return newSession(contextLength, KvCacheType.F32);
    }

    /**
     * A new session with room for {@code contextLength} tokens and the given attention precision.
     *
     * @throws IllegalArgumentException if {@code contextLength} is not positive
     */
    public Session newSession(int contextLength, KvCacheType kvCacheType) {
        if (contextLength < 1) {
            throw new IllegalArgumentException("contextLength must be >= 1, is " + contextLength);
        }
        java.util.Objects.requireNonNull(kvCacheType, "kvCacheType");
        return new Session(this, new KvCache(config, contextLength, kvCacheType, rope(contextLength)));
    }

    /** A rotary table covering {@code positions}: the shared one, or a larger one that replaces it. */
    private RopeTable rope(int positions) {
        if (weights.ropeFreqFactorsLong() != null && positions > config.ropeOriginalContext()) {
            // LongRoPE (phi3): like llama.cpp, a context beyond the original one rotates with the long factors.
            return longRope(positions);
        }
        RopeTable t = rope;
        if (t != null && t.positions() >= positions) {
            return t;
        }
        synchronized (this) {
            t = rope;
            if (t == null || t.positions() < positions) {
                rope = t = new RopeTable(config, weights.ropeFreqFactors(), positions);
            }
            return t;
        }
    }

    private synchronized RopeTable longRope(int positions) {
        if (longRope == null || longRope.positions() < positions) {
            longRope = new RopeTable(config, weights.ropeFreqFactorsLong(), positions);
        }
        return longRope;
    }

    /** A new, empty {@link DecodeBatch} for stepping several of this model's sessions together. */
    public DecodeBatch newDecodeBatch() {
        return new DecodeBatch(this);
    }

    /**
     * A new {@link PrefillBatch} for feeding several of this model's sessions their prompts together,
     * with passes of up to {@code maxRows} tokens ({@link PrefillBatch#defaultRows} suits scoring).
     *
     * @throws IllegalArgumentException if {@code maxRows} is not positive
     */
    public PrefillBatch newPrefillBatch(int maxRows) {
        return new PrefillBatch(this, maxRows);
    }

    /** A forward pass with its own activation buffers, for one session or decode batch. */
    Forward newForward() {
        return new Forward(config, weights, threads, exact ? MatMul.Activations.FLOAT : MatMul.Activations.INT8);
    }

    /**
     * Whether products with block-quantised weights keep float activations (exact mode) rather than
     * quantising them to 8 bits as llama.cpp does (see {@link LoadOptions.Builder#exact}).
     */
    public boolean exact() {
        return exact;
    }

    /** Most threads one matrix product may use (see {@link LoadOptions.Builder#threads}). */
    public int threads() {
        return threads;
    }

    /** Unmaps the file; sessions of this model fail afterwards. */
    @Override
    public void close() {
        gguf.close();
    }

    @Override
    public String toString() {
        return "Model[" + gguf.path().getFileName() + ", " + config.architecture() + ", " + config.blockCount() + " layers, dim "
                + config.embeddingLength() + ", vocab " + config.vocabularySize() + "]";
    }
}
