package dev.logprobs4j.engine.tensor;

import static dev.logprobs4j.engine.tensor.Kernels.F;

import jdk.incubator.vector.FloatVector;

/**
 * The float matrix-matrix micro-kernels shared by every weight type: a panel of weight rows,
 * already decoded to floats, times a batch of activation rows. Stateless apart from one scratch
 * panel per thread.
 *
 * <p><b>Summation order.</b> Every float product in this package, whatever the weight type, batch
 * size, tile position or thread, computes an output the same way: one {@link Kernels#F}-lane
 * accumulator, {@code acc = fma(w[c..c+L), x[c..c+L), acc)} for {@code c = 0, L, 2L, ...} in
 * ascending order over the whole row, where {@code w} are the exact decoded weights ({@link
 * WeightMatrix#dequantizeRow}); then the lanes summed by fixed halving folds ({@link Kernels#sumLanes}),
 * then the columns past the last whole vector added one by one. The per-row kernels
 * ({@link WeightMatrix#dot}, the one-row products of {@link MatMul}) decode the weights in
 * registers instead of a panel, but do the same float operations in the same order, so an
 * activation row gets bit-identical results alone or in any batch.
 */
final class Tiles {

    /** Weight rows decoded per panel: 16 rows of 2048 floats (128 KiB) stay in the L2 cache. */
    static final int PANEL = 16;

    /** Activation rows per tile: 4 x 5 accumulators plus 5 loads fit the 32 AVX-512 registers. */
    static final int TILE_ROWS = 5;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private Tiles() {}

    /** This thread's panel buffer, at least {@code PANEL * cols} floats. */
    static float[] panel(int cols) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < PANEL * cols) {
            holder[0] = new float[PANEL * cols];
        }
        return holder[0];
    }

    /**
     * {@link SegmentMatrix#dot4} for types without a register-decoding kernel: the valid rows are
     * decoded by {@code m.decode} into the thread's panel and multiplied by {@link #multiply}, so
     * one activation row gets the same summation order as a batch.
     */
    static void dot4Decoded(SegmentMatrix m, long o0, long o1, long o2, long o3, float[] x, int xOffset, float[] out,
            int at, int valid) {
        int cols = m.cols;
        float[] panel = panel(cols);
        m.decode(o0, panel, 0);
        if (valid > 1) {
            m.decode(o1, panel, cols);
        }
        if (valid > 2) {
            m.decode(o2, panel, 2 * cols);
        }
        if (valid > 3) {
            m.decode(o3, panel, 3 * cols);
        }
        multiply(panel, valid, cols, x, xOffset, 1, out, at, m.rows);
    }

    /**
     * {@code out[at + b * rowStride + i] = w[i * cols ..] . x[xOffset + b * cols ..]} for panel
     * rows {@code i < n} and activation rows {@code b < batch}.
     */
    static void multiply(float[] w, int n, int cols, float[] x, int xOffset, int batch, float[] out, int at,
            int rowStride) {
        float[] acc = Kernels.accumulators();
        for (int b = 0; b < batch; b += TILE_ROWS) {
            int x0 = xOffset + b * cols;
            int tileAt = at + b * rowStride;
            int rest = batch - b;
            for (int i = 0; i < n; i += 4) {
                int valid = Math.min(4, n - i);
                // A short last group repeats its last row; only valid rows are stored.
                int w0 = i * cols;
                int w1 = Math.min(i + 1, n - 1) * cols;
                int w2 = Math.min(i + 2, n - 1) * cols;
                int w3 = Math.min(i + 3, n - 1) * cols;
                int o = tileAt + i;
                switch (Math.min(rest, TILE_ROWS)) {
                    case 1 -> kernel4x1(acc, w, w0, w1, w2, w3, x, x0, cols, out, o, rowStride, valid);
                    case 2 -> kernel4x2(acc, w, w0, w1, w2, w3, x, x0, x0 + cols, cols, out, o, rowStride, valid);
                    case 3 -> kernel4x3(acc, w, w0, w1, w2, w3, x, x0, x0 + cols, x0 + 2 * cols, cols, out, o, rowStride,
                            valid);
                    case 4 -> kernel4x4(acc, w, w0, w1, w2, w3, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols, cols, out,
                            o, rowStride, valid);
                    default -> kernel4x5(acc, w, w0, w1, w2, w3, x, x0, x0 + cols, x0 + 2 * cols, x0 + 3 * cols,
                            x0 + 4 * cols, cols, out, o, rowStride, valid);
                }
            }
        }
    }

    /**
     * The end of every kernel: the accumulators, stored to {@code acc} (weight row {@code i},
     * activation row {@code j} at {@code 64 * j + 16 * i}), summed by {@link Kernels#sumLanes},
     * plus the columns past the last whole vector one by one, then stored. Out of the kernels so
     * that sumLanes inlines here: inside the big kernel bodies C2 ran out of node budget and
     * called it with boxed vectors.
     */
    private static void finish(float[] acc, int actRows, float[] w, int w0, int w1, int w2, int w3, float[] x, int x0,
            int cols, int upper, float[] out, int at, int rowStride, int wValid) {
        for (int j = 0; j < actRows; j++) {
            int xj = x0 + j * cols;
            int a = 64 * j;
            float s0 = Kernels.sumLanesAt(acc, a);
            float s1 = Kernels.sumLanesAt(acc, a + 16);
            float s2 = Kernels.sumLanesAt(acc, a + 32);
            float s3 = Kernels.sumLanesAt(acc, a + 48);
            for (int c = upper; c < cols; c++) {
                s0 += w[w0 + c] * x[xj + c];
                s1 += w[w1 + c] * x[xj + c];
                s2 += w[w2 + c] * x[xj + c];
                s3 += w[w3 + c] * x[xj + c];
            }
            Kernels.store4(out, at + j * rowStride, wValid, s0, s1, s2, s3);
        }
    }

    /** 4 panel rows x 1 activation row, one accumulator each. */
    private static void kernel4x1(float[] acc, float[] w, int w0, int w1, int w2, int w3, float[] x, int x0, int cols,
            float[] out, int at, int rowStride, int wValid) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        for (int c = 0; c < upper; c += lanes) {
            FloatVector v0 = FloatVector.fromArray(F, w, w0 + c);
            FloatVector v1 = FloatVector.fromArray(F, w, w1 + c);
            FloatVector v2 = FloatVector.fromArray(F, w, w2 + c);
            FloatVector v3 = FloatVector.fromArray(F, w, w3 + c);
            FloatVector u0 = FloatVector.fromArray(F, x, x0 + c);
            a00 = v0.fma(u0, a00);
            a10 = v1.fma(u0, a10);
            a20 = v2.fma(u0, a20);
            a30 = v3.fma(u0, a30);
        }
        a00.intoArray(acc, 0); a10.intoArray(acc, 16); a20.intoArray(acc, 32); a30.intoArray(acc, 48);
        finish(acc, 1, w, w0, w1, w2, w3, x, x0, cols, upper, out, at, rowStride, wValid);
    }

    /** 4 panel rows x 2 activation rows, one accumulator each. */
    private static void kernel4x2(float[] acc, float[] w, int w0, int w1, int w2, int w3, float[] x, int x0, int x1, int cols,
            float[] out, int at, int rowStride, int wValid) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector a00 = FloatVector.zero(F); FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F); FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F); FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F); FloatVector a31 = FloatVector.zero(F);
        for (int c = 0; c < upper; c += lanes) {
            FloatVector v0 = FloatVector.fromArray(F, w, w0 + c);
            FloatVector v1 = FloatVector.fromArray(F, w, w1 + c);
            FloatVector v2 = FloatVector.fromArray(F, w, w2 + c);
            FloatVector v3 = FloatVector.fromArray(F, w, w3 + c);
            FloatVector u0 = FloatVector.fromArray(F, x, x0 + c);
            a00 = v0.fma(u0, a00);
            a10 = v1.fma(u0, a10);
            a20 = v2.fma(u0, a20);
            a30 = v3.fma(u0, a30);
            FloatVector u1 = FloatVector.fromArray(F, x, x1 + c);
            a01 = v0.fma(u1, a01);
            a11 = v1.fma(u1, a11);
            a21 = v2.fma(u1, a21);
            a31 = v3.fma(u1, a31);
        }
        a00.intoArray(acc, 0); a10.intoArray(acc, 16); a20.intoArray(acc, 32); a30.intoArray(acc, 48);
        a01.intoArray(acc, 64); a11.intoArray(acc, 80); a21.intoArray(acc, 96); a31.intoArray(acc, 112);
        finish(acc, 2, w, w0, w1, w2, w3, x, x0, cols, upper, out, at, rowStride, wValid);
    }

    /** 4 panel rows x 3 activation rows, one accumulator each. */
    private static void kernel4x3(float[] acc, float[] w, int w0, int w1, int w2, int w3, float[] x, int x0, int x1, int x2, int cols,
            float[] out, int at, int rowStride, int wValid) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector a00 = FloatVector.zero(F); FloatVector a01 = FloatVector.zero(F); FloatVector a02 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F); FloatVector a11 = FloatVector.zero(F); FloatVector a12 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F); FloatVector a21 = FloatVector.zero(F); FloatVector a22 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F); FloatVector a31 = FloatVector.zero(F); FloatVector a32 = FloatVector.zero(F);
        for (int c = 0; c < upper; c += lanes) {
            FloatVector v0 = FloatVector.fromArray(F, w, w0 + c);
            FloatVector v1 = FloatVector.fromArray(F, w, w1 + c);
            FloatVector v2 = FloatVector.fromArray(F, w, w2 + c);
            FloatVector v3 = FloatVector.fromArray(F, w, w3 + c);
            FloatVector u0 = FloatVector.fromArray(F, x, x0 + c);
            a00 = v0.fma(u0, a00);
            a10 = v1.fma(u0, a10);
            a20 = v2.fma(u0, a20);
            a30 = v3.fma(u0, a30);
            FloatVector u1 = FloatVector.fromArray(F, x, x1 + c);
            a01 = v0.fma(u1, a01);
            a11 = v1.fma(u1, a11);
            a21 = v2.fma(u1, a21);
            a31 = v3.fma(u1, a31);
            FloatVector u2 = FloatVector.fromArray(F, x, x2 + c);
            a02 = v0.fma(u2, a02);
            a12 = v1.fma(u2, a12);
            a22 = v2.fma(u2, a22);
            a32 = v3.fma(u2, a32);
        }
        a00.intoArray(acc, 0); a10.intoArray(acc, 16); a20.intoArray(acc, 32); a30.intoArray(acc, 48);
        a01.intoArray(acc, 64); a11.intoArray(acc, 80); a21.intoArray(acc, 96); a31.intoArray(acc, 112);
        a02.intoArray(acc, 128); a12.intoArray(acc, 144); a22.intoArray(acc, 160); a32.intoArray(acc, 176);
        finish(acc, 3, w, w0, w1, w2, w3, x, x0, cols, upper, out, at, rowStride, wValid);
    }

    /** 4 panel rows x 4 activation rows, one accumulator each. */
    private static void kernel4x4(float[] acc, float[] w, int w0, int w1, int w2, int w3, float[] x, int x0, int x1, int x2, int x3, int cols,
            float[] out, int at, int rowStride, int wValid) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector a00 = FloatVector.zero(F); FloatVector a01 = FloatVector.zero(F); FloatVector a02 = FloatVector.zero(F); FloatVector a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F); FloatVector a11 = FloatVector.zero(F); FloatVector a12 = FloatVector.zero(F); FloatVector a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F); FloatVector a21 = FloatVector.zero(F); FloatVector a22 = FloatVector.zero(F); FloatVector a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F); FloatVector a31 = FloatVector.zero(F); FloatVector a32 = FloatVector.zero(F); FloatVector a33 = FloatVector.zero(F);
        for (int c = 0; c < upper; c += lanes) {
            FloatVector v0 = FloatVector.fromArray(F, w, w0 + c);
            FloatVector v1 = FloatVector.fromArray(F, w, w1 + c);
            FloatVector v2 = FloatVector.fromArray(F, w, w2 + c);
            FloatVector v3 = FloatVector.fromArray(F, w, w3 + c);
            FloatVector u0 = FloatVector.fromArray(F, x, x0 + c);
            a00 = v0.fma(u0, a00);
            a10 = v1.fma(u0, a10);
            a20 = v2.fma(u0, a20);
            a30 = v3.fma(u0, a30);
            FloatVector u1 = FloatVector.fromArray(F, x, x1 + c);
            a01 = v0.fma(u1, a01);
            a11 = v1.fma(u1, a11);
            a21 = v2.fma(u1, a21);
            a31 = v3.fma(u1, a31);
            FloatVector u2 = FloatVector.fromArray(F, x, x2 + c);
            a02 = v0.fma(u2, a02);
            a12 = v1.fma(u2, a12);
            a22 = v2.fma(u2, a22);
            a32 = v3.fma(u2, a32);
            FloatVector u3 = FloatVector.fromArray(F, x, x3 + c);
            a03 = v0.fma(u3, a03);
            a13 = v1.fma(u3, a13);
            a23 = v2.fma(u3, a23);
            a33 = v3.fma(u3, a33);
        }
        a00.intoArray(acc, 0); a10.intoArray(acc, 16); a20.intoArray(acc, 32); a30.intoArray(acc, 48);
        a01.intoArray(acc, 64); a11.intoArray(acc, 80); a21.intoArray(acc, 96); a31.intoArray(acc, 112);
        a02.intoArray(acc, 128); a12.intoArray(acc, 144); a22.intoArray(acc, 160); a32.intoArray(acc, 176);
        a03.intoArray(acc, 192); a13.intoArray(acc, 208); a23.intoArray(acc, 224); a33.intoArray(acc, 240);
        finish(acc, 4, w, w0, w1, w2, w3, x, x0, cols, upper, out, at, rowStride, wValid);
    }

    /** 4 panel rows x 5 activation rows, one accumulator each. */
    private static void kernel4x5(float[] acc, float[] w, int w0, int w1, int w2, int w3, float[] x, int x0, int x1, int x2, int x3, int x4, int cols,
            float[] out, int at, int rowStride, int wValid) {
        int lanes = F.length();
        int upper = F.loopBound(cols);
        FloatVector a00 = FloatVector.zero(F); FloatVector a01 = FloatVector.zero(F); FloatVector a02 = FloatVector.zero(F); FloatVector a03 = FloatVector.zero(F); FloatVector a04 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F); FloatVector a11 = FloatVector.zero(F); FloatVector a12 = FloatVector.zero(F); FloatVector a13 = FloatVector.zero(F); FloatVector a14 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F); FloatVector a21 = FloatVector.zero(F); FloatVector a22 = FloatVector.zero(F); FloatVector a23 = FloatVector.zero(F); FloatVector a24 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F); FloatVector a31 = FloatVector.zero(F); FloatVector a32 = FloatVector.zero(F); FloatVector a33 = FloatVector.zero(F); FloatVector a34 = FloatVector.zero(F);
        for (int c = 0; c < upper; c += lanes) {
            FloatVector v0 = FloatVector.fromArray(F, w, w0 + c);
            FloatVector v1 = FloatVector.fromArray(F, w, w1 + c);
            FloatVector v2 = FloatVector.fromArray(F, w, w2 + c);
            FloatVector v3 = FloatVector.fromArray(F, w, w3 + c);
            FloatVector u0 = FloatVector.fromArray(F, x, x0 + c);
            a00 = v0.fma(u0, a00);
            a10 = v1.fma(u0, a10);
            a20 = v2.fma(u0, a20);
            a30 = v3.fma(u0, a30);
            FloatVector u1 = FloatVector.fromArray(F, x, x1 + c);
            a01 = v0.fma(u1, a01);
            a11 = v1.fma(u1, a11);
            a21 = v2.fma(u1, a21);
            a31 = v3.fma(u1, a31);
            FloatVector u2 = FloatVector.fromArray(F, x, x2 + c);
            a02 = v0.fma(u2, a02);
            a12 = v1.fma(u2, a12);
            a22 = v2.fma(u2, a22);
            a32 = v3.fma(u2, a32);
            FloatVector u3 = FloatVector.fromArray(F, x, x3 + c);
            a03 = v0.fma(u3, a03);
            a13 = v1.fma(u3, a13);
            a23 = v2.fma(u3, a23);
            a33 = v3.fma(u3, a33);
            FloatVector u4 = FloatVector.fromArray(F, x, x4 + c);
            a04 = v0.fma(u4, a04);
            a14 = v1.fma(u4, a14);
            a24 = v2.fma(u4, a24);
            a34 = v3.fma(u4, a34);
        }
        a00.intoArray(acc, 0); a10.intoArray(acc, 16); a20.intoArray(acc, 32); a30.intoArray(acc, 48);
        a01.intoArray(acc, 64); a11.intoArray(acc, 80); a21.intoArray(acc, 96); a31.intoArray(acc, 112);
        a02.intoArray(acc, 128); a12.intoArray(acc, 144); a22.intoArray(acc, 160); a32.intoArray(acc, 176);
        a03.intoArray(acc, 192); a13.intoArray(acc, 208); a23.intoArray(acc, 224); a33.intoArray(acc, 240);
        a04.intoArray(acc, 256); a14.intoArray(acc, 272); a24.intoArray(acc, 288); a34.intoArray(acc, 304);
        finish(acc, 5, w, w0, w1, w2, w3, x, x0, cols, upper, out, at, rowStride, wValid);
    }
}
