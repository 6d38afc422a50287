package dev.logprobs4j.engine.tensor;

import java.util.Objects;

/**
 * Matrix-vector and matrix-matrix products of {@link WeightMatrix} weights with activation rows,
 * one matrix at a time or several sharing their input in one hand-off (q|k|v, gate|up).
 *
 * <p>Work is split across threads by output rows, never inside a dot product, so results are
 * identical for any thread count. One activation row runs the four-row decode kernels (weights
 * decoded in registers); two or more run the tiled kernels (a panel of 16 weight rows decoded
 * once per call, then 4 x 5 float micro-kernels over the activation rows). Both sum in one order
 * (see {@code Tiles}), so a row's result does not depend on its batch: bit-identical alone or in
 * any batch ({@code MatMulTest} checks every type).
 *
 * <p><b>Numerics default: float activations</b> ({@link Activations#FLOAT}), decided by
 * measurement: in this package's kernels (one thread, weights in cache, CPU time, {@code
 * MatMulBench kernels} in the tests; see the issue 9 note for the figures) the float kernels beat the
 * 8-bit ones for Q8_0, Q4_0 and Q4_K at one row, and for every type at five rows; only Q6_K at one
 * row is faster with 8-bit activations. The Vector API has no int8 dot instruction ({@code
 * vpmaddubsw}/{@code vpdpbusd}), so the 8-bit path emulates it with 16-bit multiplies and does not
 * pay off as in llama.cpp. {@link Activations#INT8} stays available (system property {@code
 * logprobs4j.activations=int8}, or the overloads taking {@link Activations}) for llama.cpp's
 * arithmetic. F32, F16 and BF16 weights always use float activations.
 *
 * <p>Threads come from one process-wide pool of daemon platform threads (size: system property
 * {@code logprobs4j.threads}, default the available processors) that spin about 50 us for the
 * next product before parking; the calling thread takes part, and dispatching a call allocates
 * nothing. Thread-safe: concurrent calls from different threads, or calls from inside a running
 * product, compute on their own thread instead of waiting for the pool.
 */
public final class MatMul {

    /** How the activations meet block-quantised weights (every type but F32, F16 and BF16). */
    public enum Activations {
        /**
         * Float activations times weights dequantised to float: closest to the exact product of
         * the stored weights and the activations.
         */
        FLOAT,
        /**
         * Activations quantised to 8 bits once per call, as llama.cpp does, and integer block
         * dot products with one float multiply per block: faster, and the same arithmetic as
         * llama.cpp's, but each product moves by up to half an activation quantisation step.
         * Other weight types ignore it.
         */
        INT8
    }

    /** Below this many weight bytes, waking other threads costs more than it saves. */
    private static final long PARALLEL_MIN_BYTES = 1 << 16;

    /**
     * Per-thread activation buffers: quantised once per call by the calling thread, then read by
     * the pool's threads (the job hand-off orders those reads after the writes).
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The pooled job; used only by the thread that holds the shared pool. */
    private static final Job JOB = new Job();

    private MatMul() {}

    /**
     * The activations of the overloads that do not name them, chosen by measurement; system property
     * {@code logprobs4j.activations} ({@code float} or {@code int8}) overrides it.
     */
    public static Activations defaultActivations() {
        return Kernels.DEFAULT_ACTIVATIONS;
    }

    /** Threads a product may use, the caller included. */
    public static int threads() {
        return RowPool.shared().threads();
    }

    /**
     * {@code out[r] = w.row(r) . x} for every row {@code r}.
     *
     * @param x activations, at least {@code w.cols()} long
     * @param out results, at least {@code w.rows()} long
     */
    public static void matvec(WeightMatrix w, float[] x, float[] out) {
        matmul(w, x, 0, 1, out, 0, Integer.MAX_VALUE);
    }

    /** {@code out[outOffset + r] = w.row(r) . x[xOffset ..]} for every row {@code r}. */
    public static void matvec(WeightMatrix w, float[] x, int xOffset, float[] out, int outOffset) {
        matmul(w, x, xOffset, 1, out, outOffset, Integer.MAX_VALUE);
    }

    /**
     * {@code out[b * rows + r] = w.row(r) . x[b * cols ..]} for {@code batch} activation rows
     * stored row-major in {@code x} ({@code batch x cols}); {@code out} is {@code batch x rows}.
     * Each thread takes whole weight rows and multiplies each with all activation rows while it
     * is in cache, so every weight row is streamed from memory once per call.
     */
    public static void matmul(WeightMatrix w, float[] x, int batch, float[] out) {
        matmul(w, x, 0, batch, out, 0, Integer.MAX_VALUE);
    }

    /**
     * The general product: {@code out[outOffset + b * rows + r] = w.row(r) . x[xOffset + b * cols ..]}
     * for {@code b < batch}, on at most {@code maxThreads} threads (the caller included), with
     * {@link Activations#FLOAT} activations unless the system property {@code
     * logprobs4j.activations} is {@code int8}.
     *
     * @throws IllegalArgumentException if {@code batch} or {@code maxThreads} is not positive
     * @throws IndexOutOfBoundsException if {@code x} or {@code out} is too short
     */
    public static void matmul(WeightMatrix w, float[] x, int xOffset, int batch, float[] out, int outOffset,
            int maxThreads) {
        matmul(w, x, xOffset, batch, out, outOffset, maxThreads, Kernels.DEFAULT_ACTIVATIONS);
    }

    /**
     * The general product with the given activation precision; results depend on {@code
     * activations} but never on the thread count or on {@code batch} (each activation row gets
     * the same result as alone).
     *
     * @throws IllegalArgumentException if {@code batch} or {@code maxThreads} is not positive
     * @throws IndexOutOfBoundsException if {@code x} or {@code out} is too short
     */
    public static void matmul(WeightMatrix w, float[] x, int xOffset, int batch, float[] out, int outOffset,
            int maxThreads, Activations activations) {
        Objects.requireNonNull(w, "w");
        Objects.requireNonNull(out, "out");
        Scratch scratch = SCRATCH.get();
        WeightMatrix[] ws = scratch.oneMatrix;
        float[][] outs = scratch.oneOut;
        int[] outOffsets = scratch.oneOffset;
        ws[0] = w;
        outs[0] = out;
        outOffsets[0] = outOffset;
        try {
            matmul(ws, x, xOffset, batch, outs, outOffsets, maxThreads, activations);
        } finally {
            ws[0] = null;
            outs[0] = null;
        }
    }

    /**
     * Several products that share their input, in one hand-off to the pool: {@code
     * outs[i][b * ws[i].rows() + r] = ws[i].row(r) . x[xOffset + b * cols ..]} for every matrix
     * {@code i}, row {@code r} and {@code b < batch}. For the q|k|v and gate|up projections of a
     * layer: the threads split the rows of all matrices together, so there is one wake-up and one
     * join instead of one per matrix. Each output is exactly what the single-matrix call computes.
     *
     * @param ws matrices with the same number of columns
     * @param outs one output per matrix, each at least {@code batch * ws[i].rows()} long
     * @throws IllegalArgumentException if the matrices differ in columns, the arrays differ in
     *     length, or {@code batch} or {@code maxThreads} is not positive
     * @throws IndexOutOfBoundsException if {@code x} or an output is too short
     */
    public static void matmul(WeightMatrix[] ws, float[] x, int xOffset, int batch, float[][] outs, int maxThreads,
            Activations activations) {
        Objects.requireNonNull(outs, "outs");
        matmul(ws, x, xOffset, batch, outs, SCRATCH.get().zeros(outs.length), maxThreads, activations);
    }

    /** {@link #matmul(WeightMatrix[], float[], int, int, float[][], int, Activations)} with the default activations. */
    public static void matmul(WeightMatrix[] ws, float[] x, int xOffset, int batch, float[][] outs, int maxThreads) {
        matmul(ws, x, xOffset, batch, outs, maxThreads, Kernels.DEFAULT_ACTIVATIONS);
    }

    /**
     * The fused product with an offset into each output: {@code outs[i][outOffsets[i] + b *
     * ws[i].rows() + r]}.
     */
    public static void matmul(WeightMatrix[] ws, float[] x, int xOffset, int batch, float[][] outs, int[] outOffsets,
            int maxThreads, Activations activations) {
        Objects.requireNonNull(ws, "ws");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(outs, "outs");
        Objects.requireNonNull(outOffsets, "outOffsets");
        Objects.requireNonNull(activations, "activations");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be positive, got " + maxThreads);
        }
        if (ws.length == 0 || ws.length != outs.length || outOffsets.length < ws.length) {
            throw new IllegalArgumentException("need one output and offset per matrix, got " + ws.length
                    + " matrices, " + outs.length + " outputs and " + outOffsets.length + " offsets");
        }
        int cols = Objects.requireNonNull(ws[0], "ws[0]").cols();
        long totalRows = 0;
        long weightBytes = 0;
        for (int i = 0; i < ws.length; i++) {
            WeightMatrix w = Objects.requireNonNull(ws[i], "ws[" + i + "]");
            if (w.cols() != cols) {
                throw new IllegalArgumentException("fused matrices must have the same columns, but matrix " + i
                        + " has " + w.cols() + " and matrix 0 has " + cols);
            }
            Objects.requireNonNull(outs[i], "outs[" + i + "]");
            Objects.checkFromIndexSize(outOffsets[i], Math.multiplyExact(batch, w.rows()), outs[i].length);
            totalRows += w.rows();
            weightBytes += w.type().byteSize(cols) * w.rows();
        }
        if (totalRows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fused matrices have more than " + Integer.MAX_VALUE + " rows");
        }
        Objects.checkFromIndexSize(xOffset, Math.multiplyExact(batch, cols), x.length);
        // Activations quantised once per layout, shared by every matrix that reads that layout.
        Scratch scratch = SCRATCH.get();
        QuantizedActivations[] quantized = scratch.quantized(ws.length);
        if (activations == Activations.INT8) {
            boolean q8_0 = false;
            boolean q8_K = false;
            for (int i = 0; i < ws.length; i++) {
                if (ws[i] instanceof QuantizedMatrix qm) {
                    QuantizedActivations.Kind kind = qm.activationKind();
                    QuantizedActivations a = kind == QuantizedActivations.Kind.Q8_0 ? scratch.q8_0 : scratch.q8_K;
                    boolean done = kind == QuantizedActivations.Kind.Q8_0 ? q8_0 : q8_K;
                    if (!done) {
                        a.quantize(kind, x, xOffset, batch, cols);
                        q8_0 |= kind == QuantizedActivations.Kind.Q8_0;
                        q8_K |= kind == QuantizedActivations.Kind.Q8_K;
                    }
                    quantized[i] = a;
                }
            }
        }
        if (maxThreads == 1 || totalRows == 1 || weightBytes * batch < PARALLEL_MIN_BYTES) {
            for (int i = 0; i < ws.length; i++) {
                computeRows(ws[i], quantized[i], x, xOffset, batch, outs[i], outOffsets[i], 0, ws[i].rows());
            }
            return;
        }
        RowPool pool = RowPool.shared();
        if (pool.threads() == 1 || !pool.tryAcquire()) {
            for (int i = 0; i < ws.length; i++) {
                computeRows(ws[i], quantized[i], x, xOffset, batch, outs[i], outOffsets[i], 0, ws[i].rows());
            }
            return;
        }
        try {
            JOB.set(ws, quantized, x, xOffset, batch, outs, outOffsets);
            pool.run(JOB, (int) totalRows, maxThreads);
        } finally {
            JOB.clear();
            pool.release();
        }
    }

    /** Rows {@code [from, to)}: with the integer kernels if {@code a} holds the quantised activations. */
    private static void computeRows(WeightMatrix w, QuantizedActivations a, float[] x, int xOffset, int batch,
            float[] out, int outOffset, int from, int to) {
        if (w instanceof SegmentMatrix m) {
            m.computeRowsOpaque(from, to, a, x, xOffset, batch, out, outOffset);
        } else {
            int rows = w.rows();
            int cols = w.cols();
            for (int r = from; r < to; r++) {
                for (int b = 0; b < batch; b++) {
                    out[outOffset + b * rows + r] = w.dot(r, x, xOffset + b * cols);
                }
            }
        }
    }

    /**
     * Per-thread buffers, so that a call allocates nothing: the activations quantised once per
     * layout, and the argument arrays of the single-matrix form.
     */
    private static final class Scratch {
        final QuantizedActivations q8_0 = new QuantizedActivations();
        final QuantizedActivations q8_K = new QuantizedActivations();
        final WeightMatrix[] oneMatrix = new WeightMatrix[1];
        final float[][] oneOut = new float[1][];
        final int[] oneOffset = new int[1];
        private QuantizedActivations[] quantized = new QuantizedActivations[4];
        private int[] zeros = new int[4];

        /** A cleared array of at least {@code n} entries. */
        QuantizedActivations[] quantized(int n) {
            if (quantized.length < n) {
                quantized = new QuantizedActivations[n];
            }
            java.util.Arrays.fill(quantized, null);
            return quantized;
        }

        int[] zeros(int n) {
            if (zeros.length < n) {
                zeros = new int[n];
            }
            return zeros;
        }
    }

    /** The pooled job: the rows of all its matrices, numbered one after another. */
    private static final class Job implements RowPool.RowTask {
        private WeightMatrix[] ws;
        private QuantizedActivations[] quantized;
        private float[] x;
        private int xOffset;
        private int batch;
        private float[][] outs;
        private int[] outOffsets;

        void set(WeightMatrix[] ws, QuantizedActivations[] quantized, float[] x, int xOffset, int batch,
                float[][] outs, int[] outOffsets) {
            this.ws = ws;
            this.quantized = quantized;
            this.x = x;
            this.xOffset = xOffset;
            this.batch = batch;
            this.outs = outs;
            this.outOffsets = outOffsets;
        }

        void clear() {
            set(null, null, null, 0, 0, null, null);
        }

        @Override
        public void run(int from, int to) {
            int start = 0;
            for (int i = 0; i < ws.length && start < to; i++) {
                int rows = ws[i].rows();
                int lo = Math.max(from, start);
                int hi = Math.min(to, start + rows);
                if (lo < hi) {
                    computeRows(ws[i], quantized[i], x, xOffset, batch, outs[i], outOffsets[i], lo - start,
                            hi - start);
                }
                start += rows;
            }
        }
    }
}
