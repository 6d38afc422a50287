package dev.logprobs4j.engine;

import dev.logprobs4j.engine.internal.VectorApi;
import dev.logprobs4j.engine.tensor.MatMul;
import java.util.Objects;

/**
 * Options for {@link Model#load(java.nio.file.Path, LoadOptions)}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, derive variants with {@link #toBuilder()}.
 */
public final class LoadOptions {
    /** Receiver of load progress, e.g. for a progress bar. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * Called after each tensor is prepared, on the loading thread, with non-decreasing {@code done}.
         *
         * @param done bytes of tensor data prepared so far
         * @param total bytes of tensor data in the model
         * @param tensor name of the tensor just prepared
         */
        void onProgress(long done, long total, String tensor);

        /** A listener that ignores all calls. */
        static ProgressListener none() {
            return (done, total, tensor) -> {};
        }
    }

    private final int threads;
    private final boolean preload;
    private final ProgressListener progress;
    private final boolean exact;

    private LoadOptions(Builder b) {
        this.exact = b.exact;
        this.threads = b.threads;
        this.preload = b.preload;
        this.progress = b.progress;
    }

    /** The defaults: all available processors, preload on, no progress listener. */
    public static LoadOptions defaults() {
        return builder().build();
    }

    /**
     * A builder with the defaults.
     *
     * @throws IllegalStateException naming the JVM flag when the Vector API module is missing (the
     *                               default numerics are read from the kernels, which need it)
     */
    public static Builder builder() {
        VectorApi.require();
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().threads(threads).preload(preload).progress(progress).exact(exact);
    }

    public int threads() {
        return threads;
    }

    public boolean preload() {
        return preload;
    }

    public ProgressListener progress() {
        return progress;
    }

    /** Whether quantised weights meet float activations (see {@link Builder#exact}). */
    public boolean exact() {
        return exact;
    }

    /** Builder of {@link LoadOptions}; not thread-safe. */
    public static final class Builder {
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean preload = true;
        private ProgressListener progress = ProgressListener.none();
        private boolean exact = MatMul.defaultActivations() == MatMul.Activations.FLOAT;

        private Builder() {}

        /**
         * Numerics of products with block-quantised weights (Q8_0, Q4_0, Q4_K, Q6_K). {@code true},
         * exact mode: the weights are dequantised and meet float activations, the closest to the
         * stored model. {@code false}: activations are quantised to 8 bits once per product and
         * blocks are multiplied in integers, as llama.cpp does; faster, and each product moves by up
         * to half an activation quantisation step. F32, F16 and BF16 weights always use float
         * activations. Default: {@link MatMul#defaultActivations()} is {@code FLOAT} (system property
         * {@code logprobs4j.activations}, {@code float} or {@code int8}, sets it).
         */
        public Builder exact(boolean exact) {
            this.exact = exact;
            return this;
        }

        /**
         * Most threads one matrix product may use (work is split by output rows, so results do not
         * depend on it); default: available processors. The kernels' shared pool has
         * {@code -Dlogprobs4j.threads} threads (default: available processors), which caps this.
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, is " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Whether to read every weight page into memory during loading, so the first tokens do not
         * pay for page faults; default true.
         */
        public Builder preload(boolean preload) {
            this.preload = preload;
            return this;
        }

        /** Listener for load progress; default: none. */
        public Builder progress(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public LoadOptions build() {
            return new LoadOptions(this);
        }
    }
}
