package dev.logprobs4j.engine.tensor;

import java.util.Objects;

/**
 * Matrix-vector and matrix-matrix products of a {@link WeightMatrix} with float activations.
 *
 * <p>Work is split across threads by output rows, never inside a dot product, so every output
 * is computed by exactly one {@link WeightMatrix#dot} call and results are identical for any
 * thread count. Threads come from one process-wide pool of daemon platform threads (size: system
 * property {@code logprobs4j.threads}, default the available processors); the calling thread
 * takes part, and dispatching a call allocates nothing. Thread-safe: concurrent calls from
 * different threads, or calls from inside a running product, compute on their own thread
 * instead of waiting for the pool.
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
    private static final ThreadLocal<QuantizedActivations> ACTIVATIONS =
            ThreadLocal.withInitial(QuantizedActivations::new);

    /** The pooled job; used only by the thread that holds the shared pool. */
    private static final Job JOB = new Job();

    private MatMul() {}

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
        Objects.requireNonNull(activations, "activations");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be positive, got " + maxThreads);
        }
        int rows = w.rows();
        int cols = w.cols();
        Objects.checkFromIndexSize(xOffset, Math.multiplyExact(batch, cols), x.length);
        Objects.checkFromIndexSize(outOffset, Math.multiplyExact(batch, rows), out.length);
        QuantizedActivations a = null;
        if (activations == Activations.INT8 && w instanceof QuantizedMatrix qm) {
            a = ACTIVATIONS.get();
            a.quantize(qm.activationKind(), x, xOffset, batch, cols);
        }
        long weightBytes = w.type().byteSize(cols) * rows;
        if (maxThreads == 1 || rows == 1 || weightBytes * batch < PARALLEL_MIN_BYTES) {
            computeRows(w, a, x, xOffset, batch, out, outOffset, 0, rows);
            return;
        }
        RowPool pool = RowPool.shared();
        if (pool.threads() == 1 || !pool.tryAcquire()) {
            computeRows(w, a, x, xOffset, batch, out, outOffset, 0, rows);
            return;
        }
        try {
            JOB.set(w, a, x, xOffset, batch, out, outOffset);
            pool.run(JOB, rows, maxThreads);
        } finally {
            JOB.set(null, null, null, 0, 0, null, 0);
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

    private static final class Job implements RowPool.RowTask {
        private WeightMatrix w;
        private QuantizedActivations a;
        private float[] x;
        private int xOffset;
        private int batch;
        private float[] out;
        private int outOffset;

        void set(WeightMatrix w, QuantizedActivations a, float[] x, int xOffset, int batch, float[] out,
                int outOffset) {
            this.w = w;
            this.a = a;
            this.x = x;
            this.xOffset = xOffset;
            this.batch = batch;
            this.out = out;
            this.outOffset = outOffset;
        }

        @Override
        public void run(int from, int to) {
            computeRows(w, a, x, xOffset, batch, out, outOffset, from, to);
        }
    }
}
