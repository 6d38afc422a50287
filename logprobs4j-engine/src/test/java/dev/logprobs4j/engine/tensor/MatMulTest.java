package dev.logprobs4j.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.gguf.GgmlType;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MatMulTest {

    /** Large enough (> 64 KiB of weights) that the products really run on the pool. */
    private static WeightMatrix bigMatrix(GgmlType type, int rows, int cols, long seed) {
        return TestData.matrix(type, rows, cols, TestData.randomEncoding(type, rows * cols, new Random(seed)));
    }

    /**
     * Row {@code r} times {@code x[off..]} the way {@link MatMul} computes it: on activations
     * quantised by {@link QuantizedActivations} for quantised weights (unless switched off),
     * else with {@link WeightMatrix#dot}.
     */
    static float expectedDot(WeightMatrix w, int r, float[] x, int off) {
        return expectedDot(w, r, x, off, Kernels.DEFAULT_ACTIVATIONS);
    }

    static float expectedDot(WeightMatrix w, int r, float[] x, int off, MatMul.Activations activations) {
        if (activations == MatMul.Activations.INT8 && w instanceof QuantizedMatrix m) {
            QuantizedActivations a = new QuantizedActivations();
            a.quantize(m.activationKind(), x, off, 1, m.cols());
            return Kernels.VECTOR ? m.vectorDotQ(r * m.rowBytes, a, 0) : m.scalarDotQ(r * m.rowBytes, a, 0);
        }
        return w.dot(r, x, off);
    }

    @Test
    void matvecEqualsRowByRowDotBitForBitWithAnyThreadCount() {
        WeightMatrix w = bigMatrix(GgmlType.Q8_0, 517, 512, 1);
        float[] x = TestData.randomFloats(512, new Random(2));
        float[] expected = new float[517];
        for (int r = 0; r < 517; r++) {
            expected[r] = expectedDot(w, r, x, 0);
        }
        for (int threads = 1; threads <= 4; threads++) {
            float[] out = new float[517];
            MatMul.matmul(w, x, 0, 1, out, 0, threads);
            assertThat(out).as("threads %d", threads).containsExactly(expected);
        }
        float[] out = new float[517];
        MatMul.matvec(w, x, out);
        assertThat(out).containsExactly(expected);
    }

    @Test
    void matvecWithOffsetsReadsAndWritesOnlyItsRanges() {
        WeightMatrix w = bigMatrix(GgmlType.Q4_K, 300, 512, 3);
        float[] x = TestData.randomFloats(512 + 7, new Random(4));
        float[] out = new float[300 + 10];
        java.util.Arrays.fill(out, -42f);
        MatMul.matvec(w, x, 7, out, 4);
        for (int r = 0; r < 300; r++) {
            assertThat(out[4 + r]).isEqualTo(expectedDot(w, r, x, 7));
        }
        assertThat(out[3]).isEqualTo(-42f);
        assertThat(out[304]).isEqualTo(-42f);
    }

    @Test
    void matmulEqualsOneMatvecPerActivationRow() {
        int rows = 257;
        int cols = 768;
        int batch = 5;
        WeightMatrix w = bigMatrix(GgmlType.Q6_K, rows, cols, 5);
        float[] x = TestData.randomFloats(batch * cols, new Random(6));
        float[] out = new float[batch * rows];
        MatMul.matmul(w, x, batch, out);
        float[] single = new float[rows];
        for (int b = 0; b < batch; b++) {
            MatMul.matvec(w, x, b * cols, single, 0);
            for (int r = 0; r < rows; r++) {
                assertThat(out[b * rows + r]).as("batch %d row %d", b, r).isEqualTo(single[r]);
            }
        }
    }

    /**
     * Every type, a short and a full tile of activation rows, and row lengths of 1 to 16 blocks (or
     * with a vector tail, for the plain types): a row gets the same bits alone, in a batch, and
     * from {@link WeightMatrix#dot}. (A kernel that sums in another order than the tiles, say with
     * more accumulator chains for one row, fails here.)
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void batchedFloatProductsEqualOneRowProductsBitForBit(GgmlType type) {
        int block = type.blockSize() == 1 ? 16 : type.blockSize();
        int[] colsList = type.blockSize() == 1 ? new int[] {17, 100, 1023} : new int[] {block, 3 * block, 7 * block, 11 * block, 16 * block};
        for (int cols : colsList) {
            int rows = 21;
            WeightMatrix w = bigMatrix(type, rows, cols, cols);
            for (int batch = 2; batch <= 7; batch += 5) {
                float[] x = TestData.randomFloats(batch * cols, new Random(batch + cols));
                float[] out = new float[batch * rows];
                MatMul.matmul(w, x, 0, batch, out, 0, 2, MatMul.Activations.FLOAT);
                float[] single = new float[rows];
                for (int b = 0; b < batch; b++) {
                    MatMul.matmul(w, x, b * cols, 1, single, 0, 1, MatMul.Activations.FLOAT);
                    for (int r = 0; r < rows; r++) {
                        assertThat(Float.floatToRawIntBits(out[b * rows + r])).as("%s cols %d batch %d: activation row %d, output %d", type, cols, batch, b, r)
                                .isEqualTo(Float.floatToRawIntBits(single[r]));
                        assertThat(single[r]).as("%s cols %d: dot of row %d", type, cols, r).isEqualTo(w.dot(r, x, b * cols));
                    }
                }
            }
        }
    }

    @Test
    void concurrentCallersGetTheSameResultsAsSequentialOnes() throws Exception {
        WeightMatrix w = bigMatrix(GgmlType.Q4_0, 400, 1024, 7);
        float[] x = TestData.randomFloats(1024, new Random(8));
        float[] expected = new float[400];
        MatMul.matmul(w, x, 0, 1, expected, 0, 1);
        ExecutorService executor = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                results.add(executor.submit(() -> {
                    float[] out = new float[400];
                    for (int k = 0; k < 20; k++) {
                        MatMul.matvec(w, x, out);
                    }
                    return out;
                }));
            }
            for (Future<float[]> result : results) {
                assertThat(result.get()).containsExactly(expected);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void everyTypeGivesRowByRowResultsForAnyBatchThreadCountAndActivations() {
        for (MatMul.Activations activations : MatMul.Activations.values()) {
        for (GgmlType type : WeightMatrixKernelTest.SUPPORTED) {
            int rows = 131;
            int cols = 1024;
            int batch = 6; // one group of four activation rows (prefill kernels) and two single ones
            WeightMatrix w = bigMatrix(type, rows, cols, 10 + type.ordinal());
            float[] x = TestData.randomFloats(batch * cols + 5, new Random(11));
            for (int threads = 1; threads <= 3; threads++) {
                float[] out = new float[batch * rows];
                MatMul.matmul(w, x, 5, batch, out, 0, threads, activations);
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < rows; r++) {
                        assertThat(out[b * rows + r]).as("%s %s threads %d batch row %d row %d", activations, type, threads,
                                        b, r)
                                .isEqualTo(expectedDot(w, r, x, 5 + b * cols, activations));
                    }
                }
            }
        }
        }
    }

    @Test
    void int8ActivationsChangeQuantisedProductsOnlyAndFloatIsTheDefault() {
        float[] x = TestData.randomFloats(512, new Random(30));
        for (GgmlType type : WeightMatrixKernelTest.SUPPORTED) {
            WeightMatrix w = bigMatrix(type, 8, 512, 31);
            float[] asFloat = new float[8];
            float[] asInt8 = new float[8];
            MatMul.matmul(w, x, 0, 1, asFloat, 0, 1, MatMul.Activations.FLOAT);
            MatMul.matmul(w, x, 0, 1, asInt8, 0, 1, MatMul.Activations.INT8);
            for (int r = 0; r < 8; r++) {
                assertThat(asFloat[r]).isEqualTo(w.dot(r, x, 0));
            }
            if (w instanceof QuantizedMatrix) {
                assertThat(asInt8).as("%s", type).isNotEqualTo(asFloat);
            } else {
                assertThat(asInt8).as("%s", type).containsExactly(asFloat);
            }
        }
        if (System.getProperty(Kernels.ACTIVATIONS_PROPERTY) == null) {
            assertThat(Kernels.DEFAULT_ACTIVATIONS).isEqualTo(MatMul.Activations.FLOAT);
        }
    }

    @Test
    void quantisedActivationProductIsCloseToTheFloatProduct() {
        // The 8-bit activations round each value by at most half a step (amax / 254 of its block),
        // so the product moves by at most sum |w| * step / 2; on Gaussian data it moves far less.
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            int rows = 64;
            int cols = 2048;
            SegmentMatrix w = (SegmentMatrix) bigMatrix(type, rows, cols, 20 + type.ordinal());
            float[] x = TestData.randomFloats(cols, new Random(21));
            float[] row = new float[cols];
            float[] out = new float[rows];
            MatMul.matmul(w, x, 0, 1, out, 0, 2, MatMul.Activations.INT8);
            for (int r = 0; r < rows; r++) {
                w.dequantizeRow(r, row, 0);
                double exact = 0;
                double bound = 0;
                for (int j = 0; j < cols; j++) {
                    exact += (double) row[j] * x[j];
                    bound += Math.abs(row[j]) * 5.0 / 254; // |x| of N(0, 1) data stays below 5
                }
                assertThat((double) out[r]).as("%s row %d", type, r).isCloseTo(exact, org.assertj.core.data.Offset.offset(bound));
            }
        }
    }

    @Test
    void everyActivationRowGetsTheSameBitsAloneOrInAnyBatch() {
        // Batch invariance of the float path: the tiled kernels (panels of 16 weight rows, tiles of
        // up to 5 activation rows, short edge tiles) sum in the one-row kernel's order.
        for (GgmlType type : WeightMatrixKernelTest.SUPPORTED) {
            int rows = 37; // two panels and a short one, a short group of four
            int cols = type.blockSize() == 1 ? 1000 : 4 * Math.max(type.blockSize(), 64);
            WeightMatrix w = bigMatrix(type, rows, cols, 60 + type.ordinal());
            float[] x = TestData.randomFloats(13 * cols, new Random(61));
            float[][] alone = new float[13][rows];
            for (int b = 0; b < 13; b++) {
                MatMul.matmul(w, x, b * cols, 1, alone[b], 0, 1, MatMul.Activations.FLOAT);
            }
            for (int batch : new int[] {2, 3, 4, 5, 6, 9, 13}) {
                for (int start : new int[] {0, 13 - batch}) {
                    float[] out = new float[batch * rows];
                    MatMul.matmul(w, x, start * cols, batch, out, 0, 2, MatMul.Activations.FLOAT);
                    for (int b = 0; b < batch; b++) {
                        assertThat(java.util.Arrays.copyOfRange(out, b * rows, (b + 1) * rows))
                                .as("%s batch %d row %d", type, batch, start + b).containsExactly(alone[start + b]);
                    }
                }
            }
        }
    }

    @Test
    void tiledProductMatchesTheScalarTwinUpToRounding() {
        for (GgmlType type : WeightMatrixKernelTest.SUPPORTED) {
            int rows = 21;
            int cols = type.blockSize() == 1 ? 333 : 2 * Math.max(type.blockSize(), 64);
            SegmentMatrix w = (SegmentMatrix) bigMatrix(type, rows, cols, 70 + type.ordinal());
            int batch = 7;
            float[] x = TestData.randomFloats(batch * cols, new Random(71));
            float[] out = new float[batch * rows];
            MatMul.matmul(w, x, 0, batch, out, 0, 2, MatMul.Activations.FLOAT);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                w.dequantizeRow(r, row, 0);
                for (int b = 0; b < batch; b++) {
                    double magnitude = 0;
                    for (int j = 0; j < cols; j++) {
                        magnitude += Math.abs((double) row[j] * x[b * cols + j]);
                    }
                    float scalar = w.scalarDot(r * w.rowBytes, x, b * cols);
                    assertThat((double) out[b * rows + r]).as("%s row %d batch row %d", type, r, b)
                            .isCloseTo(scalar, org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-30));
                }
            }
        }
    }

    @Test
    void fusedProductEqualsOneProductPerMatrixForMixedTypes() {
        int cols = 512;
        WeightMatrix[] ws = {bigMatrix(GgmlType.Q4_K, 130, cols, 40), bigMatrix(GgmlType.Q6_K, 66, cols, 41),
                bigMatrix(GgmlType.Q8_0, 70, cols, 42), bigMatrix(GgmlType.F16, 9, cols, 43)};
        for (MatMul.Activations activations : MatMul.Activations.values()) {
            for (int batch : new int[] {1, 3, 7}) {
                float[] x = TestData.randomFloats(batch * cols + 3, new Random(44 + batch));
                float[][] fused = new float[ws.length][];
                int[] offsets = {0, 2, 1, 5};
                for (int i = 0; i < ws.length; i++) {
                    fused[i] = new float[offsets[i] + batch * ws[i].rows()];
                }
                MatMul.matmul(ws, x, 3, batch, fused, offsets, 2, activations);
                for (int i = 0; i < ws.length; i++) {
                    float[] alone = new float[batch * ws[i].rows()];
                    MatMul.matmul(ws[i], x, 3, batch, alone, 0, 1, activations);
                    assertThat(java.util.Arrays.copyOfRange(fused[i], offsets[i], fused[i].length))
                            .as("%s batch %d matrix %d", activations, batch, i).containsExactly(alone);
                }
            }
        }
    }

    @Test
    void fusedProductRejectsMatricesOfDifferentWidths() {
        WeightMatrix[] ws = {bigMatrix(GgmlType.F32, 4, 8, 50), bigMatrix(GgmlType.F32, 4, 16, 51)};
        assertThatThrownBy(() -> MatMul.matmul(ws, new float[16], 0, 1, new float[][] {new float[4], new float[4]}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same columns");
        assertThatThrownBy(() -> MatMul.matmul(new WeightMatrix[] {ws[0]}, new float[8], 0, 1, new float[2][4], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one output");
    }

    @Test
    void rejectsShortArraysAndBadCounts() {
        WeightMatrix w = bigMatrix(GgmlType.F32, 4, 8, 9);
        assertThatThrownBy(() -> MatMul.matvec(w, new float[7], new float[4])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> MatMul.matvec(w, new float[8], new float[3])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> MatMul.matmul(w, new float[16], 2, new float[7])).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> MatMul.matmul(w, new float[16], 0, new float[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch");
        assertThatThrownBy(() -> MatMul.matmul(w, new float[8], 0, 1, new float[4], 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxThreads");
    }

    @Test
    void poolUsesTheConfiguredThreadCount() {
        assertThat(MatMul.threads()).isEqualTo(RowPool.defaultThreads());
    }
}
