package dev.logprobs4j.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.Quantizer;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import jdk.incubator.vector.IntVector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class WeightMatrixKernelTest {

    static final Set<GgmlType> SUPPORTED = EnumSet.of(
            GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q5_K,
            GgmlType.IQ4_XS);

    @Test
    void supportedSetMatchesTheFactory() {
        assertThat(WeightMatrices.SUPPORTED).containsExactlyInAnyOrderElementsOf(SUPPORTED);
    }

    /** Row lengths with odd block counts and, for plain types, lengths that leave a vector tail. */
    static int[] colsFor(GgmlType type) {
        int block = type.blockSize();
        return block == 1 ? new int[] {1, 7, 15, 16, 17, 33, 100, 257, 1023} : new int[] {block, 3 * block, 7 * block, 11 * block};
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void dequantizeRowMatchesIndependentPerElementDecoding(GgmlType type) {
        Random random = new Random(type.ordinal());
        for (int cols : colsFor(type)) {
            int rows = 3;
            byte[] bytes = TestData.randomEncoding(type, rows * cols, random);
            WeightMatrix m = TestData.matrix(type, rows, cols, bytes);
            float[] out = new float[cols + 5];
            for (int r = 0; r < rows; r++) {
                m.dequantizeRow(r, out, 5);
                for (int j = 0; j < cols; j++) {
                    float expected = ReferenceDecoder.element(type, bytes, r * cols + j);
                    assertThat(out[5 + j]).as("%s row %d col %d of %d", type, r, j, cols).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void quantizerDequantizeAgreesWithMatrixRows(GgmlType type) {
        Random random = new Random(100 + type.ordinal());
        int cols = colsFor(type)[2];
        int rows = 2;
        byte[] bytes = TestData.randomEncoding(type, rows * cols, random);
        float[] all = Quantizer.dequantize(type, bytes, rows * cols);
        WeightMatrix m = TestData.matrix(type, rows, cols, bytes);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            m.dequantizeRow(r, row, 0);
            for (int j = 0; j < cols; j++) {
                assertThat(row[j]).isEqualTo(all[r * cols + j]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void scalarDotEqualsDotOfDequantizedRowUpToRounding(GgmlType type) {
        Random random = new Random(200 + type.ordinal());
        for (int cols : colsFor(type)) {
            int rows = 4;
            SegmentMatrix m = TestData.matrix(type, rows, cols, TestData.randomEncoding(type, rows * cols, random));
            float[] x = TestData.randomFloats(cols + 3, random);
            float[] w = new float[cols];
            for (int r = 0; r < rows; r++) {
                m.dequantizeRow(r, w, 0);
                double exact = 0;
                double magnitude = 0;
                for (int j = 0; j < cols; j++) {
                    exact += (double) w[j] * x[3 + j];
                    magnitude += Math.abs((double) w[j] * x[3 + j]);
                }
                float scalar = m.scalarDot(r * m.rowBytes, x, 3);
                assertThat((double) scalar).as("%s cols %d row %d", type, cols, r)
                        // A float sum of n products is within about n units of roundoff of the sum of their magnitudes.
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(2 * (cols + 2) * 0x1p-24 * magnitude + 1e-30));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void vectorDotMatchesScalarTwinOnRandomData(GgmlType type) {
        assumeTrue(Kernels.VECTOR, "no 256- or 512-bit vectors on this CPU: the engine runs the scalar twins"
                + " (withoutWideVectorsEveryDotIsTheScalarTwin covers that)");
        Random random = new Random(300 + type.ordinal());
        for (int cols : colsFor(type)) {
            int rows = 5;
            SegmentMatrix m = TestData.matrix(type, rows, cols, TestData.randomEncoding(type, rows * cols, random));
            for (int xOffset : new int[] {0, 1, 13}) {
                float[] x = TestData.randomFloats(cols + xOffset, random);
                for (int r = 0; r < rows; r++) {
                    float scalar = m.scalarDot(r * m.rowBytes, x, xOffset);
                    float vector = m.vectorDot(r * m.rowBytes, x, xOffset);
                    float[] w = new float[cols];
                    m.dequantizeRow(r, w, 0);
                    double magnitude = 0;
                    for (int j = 0; j < cols; j++) {
                        magnitude += Math.abs((double) w[j] * x[xOffset + j]);
                    }
                    // Both sum the same products in different orders: they differ by float rounding only.
                    assertThat((double) vector).as("%s cols %d row %d xOffset %d", type, cols, r, xOffset)
                            .isCloseTo(scalar, org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-30));
                }
            }
        }
    }

    /**
     * On CPUs whose preferred vectors are 128 bits (or wider than 512), the vector kernels are not
     * used: every product the engine computes must then be the scalar twin's, bit for bit.
     */
    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void withoutWideVectorsEveryDotIsTheScalarTwin(GgmlType type) {
        assumeFalse(Kernels.VECTOR, "this CPU has 256- or 512-bit vectors: vectorDotMatchesScalarTwinOnRandomData covers it");
        Random random = new Random(900 + type.ordinal());
        int cols = colsFor(type)[1];
        SegmentMatrix m = TestData.matrix(type, 3, cols, TestData.randomEncoding(type, 3 * cols, random));
        float[] x = TestData.randomFloats(cols, random);
        for (int r = 0; r < 3; r++) {
            assertThat(Float.floatToRawIntBits(m.dot(r, x, 0))).as("%s row %d", type, r)
                    .isEqualTo(Float.floatToRawIntBits(m.scalarDot(r * m.rowBytes, x, 0)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void vectorDecodeGivesTheScalarDequantisedValuesBitForBit(GgmlType type) {
        assumeTrue(type.blockSize() == 1 ? Kernels.VECTOR : Kernels.VECTOR16,
                "no vectors of the width this type's kernels need on this CPU: the engine runs the scalar twins");
        Random random = new Random(350 + type.ordinal());
        for (int cols : colsFor(type)) {
            int rows = 3;
            SegmentMatrix m = TestData.matrix(type, rows, cols, TestData.randomEncoding(type, rows * cols, random));
            for (int r = 0; r < rows; r++) {
                float[] scalar = new float[cols + 2];
                float[] vector = new float[cols + 2];
                m.dequantize(r * m.rowBytes, scalar, 1);
                m.decode(r * m.rowBytes, vector, 1);
                for (int j = 0; j < cols + 2; j++) {
                    assertThat(Float.floatToRawIntBits(vector[j])).as("%s cols %d row %d col %d", type, cols, r, j)
                            .isEqualTo(Float.floatToRawIntBits(scalar[j]));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void fourRowDotEqualsOneRowDotsBitForBit(GgmlType type) {
        assumeTrue(type.blockSize() == 1 ? Kernels.VECTOR : Kernels.VECTOR16,
                "no vectors of the width this type's kernels need on this CPU: the engine runs the scalar twins");
        Random random = new Random(360 + type.ordinal());
        int cols = type.blockSize() == 1 ? 1023 : 5 * type.blockSize();
        SegmentMatrix m = TestData.matrix(type, 6, cols, TestData.randomEncoding(type, 6 * cols, random));
        float[] x = TestData.randomFloats(cols + 3, random);
        float[] out = new float[8];
        java.util.Arrays.fill(out, -1f);
        m.dot4(5 * m.rowBytes, 0, 3 * m.rowBytes, 3 * m.rowBytes, x, 3, out, 2, 3);
        assertThat(out[2]).isEqualTo(m.dot(5, x, 3));
        assertThat(out[3]).isEqualTo(m.dot(0, x, 3));
        assertThat(out[4]).isEqualTo(m.dot(3, x, 3));
        assertThat(out[5]).as("fourth result not stored when only three are valid").isEqualTo(-1f);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0",
        "Q5_1", "IQ4_NL", "Q2_K", "Q3_K", "Q5_K", "IQ4_XS"})
    void dotGivesTheSameBitsBeforeAndAfterJitCompilation(GgmlType type) {
        Random random = new Random(400 + type.ordinal());
        int cols = type.blockSize() == 1 ? 1000 : 4 * type.blockSize();
        WeightMatrix m = TestData.matrix(type, 1, cols, TestData.randomEncoding(type, cols, random));
        float[] x = TestData.randomFloats(cols, random);
        float cold = m.dot(0, x, 0);
        float hot = cold;
        for (int i = 0; i < 20_000; i++) {
            hot = m.dot(0, x, 0);
            if (hot != cold) {
                break;
            }
        }
        assertThat(Float.floatToRawIntBits(hot)).as("%s", type).isEqualTo(Float.floatToRawIntBits(cold));
    }

    /**
     * The largest minimum a type adds or subtracts separately from its scaled quants (0 for types
     * without one): the rounding of that term scales with it rather than with the weight.
     */
    static double separateMin(GgmlType type, byte[] bytes, int element) {
        return switch (type) {
            case Q4_K, Q5_K -> 63 * half(bytes, element / 256 * type.blockBytes() + 2);
            case Q2_K -> 15 * half(bytes, element / 256 * type.blockBytes() + 82);
            case Q4_1, Q5_1 -> half(bytes, element / 32 * type.blockBytes() + 2);
            default -> 0;
        };
    }

    private static double half(byte[] b, int at) {
        return Float.float16ToFloat((short) ((b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8));
    }

    static QuantizedActivations quantized(QuantizedMatrix m, float[] x, int xOffset) {
        QuantizedActivations a = new QuantizedActivations();
        a.quantize(m.activationKind(), x, xOffset, 1, m.cols());
        return a;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL", "Q2_K",
        "Q3_K", "Q5_K", "IQ4_XS"})
    void scalarQuantizedDotEqualsProductOfDecodedWeightsAndActivationsUpToRounding(GgmlType type) {
        Random random = new Random(500 + type.ordinal());
        for (int cols : colsFor(type)) {
            int rows = 4;
            byte[] bytes = TestData.randomEncoding(type, rows * cols, random);
            QuantizedMatrix m = (QuantizedMatrix) TestData.matrix(type, rows, cols, bytes);
            float[] x = TestData.randomFloats(cols + 2, random);
            QuantizedActivations a = quantized(m, x, 2);
            int block = m.activationKind().block;
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                double magnitude = 0;
                for (int j = 0; j < cols; j++) {
                    double w = ReferenceDecoder.element(type, bytes, r * cols + j);
                    double xq = (double) a.d[j / block] * a.q[j];
                    exact += w * xq;
                    magnitude += Math.abs(w * xq);
                    magnitude += Math.abs(separateMin(type, bytes, r * cols + j) * xq);
                }
                float scalar = m.scalarDotQ(r * m.rowBytes, a, 0);
                assertThat((double) scalar).as("%s cols %d row %d", type, cols, r)
                        .isCloseTo(exact, org.assertj.core.data.Offset.offset(4 * (cols / block + 4) * 0x1p-24 * magnitude + 1e-30));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL", "Q2_K",
        "Q3_K", "Q5_K", "IQ4_XS"})
    void vectorQuantizedDotMatchesScalarTwin(GgmlType type) {
        assumeTrue(Kernels.VECTOR, "no 256- or 512-bit vectors on this CPU: the engine runs the scalar twins");
        Random random = new Random(600 + type.ordinal());
        for (int cols : colsFor(type)) {
            int rows = 5;
            byte[] bytes = TestData.randomEncoding(type, rows * cols, random);
            QuantizedMatrix m = (QuantizedMatrix) TestData.matrix(type, rows, cols, bytes);
            for (int xOffset : new int[] {0, 1, 13}) {
                float[] x = TestData.randomFloats(cols + xOffset, random);
                QuantizedActivations a = quantized(m, x, xOffset);
                for (int r = 0; r < rows; r++) {
                    float scalar = m.scalarDotQ(r * m.rowBytes, a, 0);
                    float vector = m.vectorDotQ(r * m.rowBytes, a, 0);
                    if (type.blockSize() == 256) {
                        // Integer sums per super-block, then the same float steps: equal bit for bit.
                        assertThat(vector).as("%s cols %d row %d", type, cols, r).isEqualTo(scalar);
                    } else {
                        double magnitude = 0;
                        float[] w = new float[cols];
                        m.dequantizeRow(r, w, 0);
                        for (int j = 0; j < cols; j++) {
                            magnitude += Math.abs((double) w[j] * a.d[j / 32] * a.q[j]);
                        }
                        assertThat((double) vector).as("%s cols %d row %d", type, cols, r)
                                .isCloseTo(scalar, org.assertj.core.data.Offset.offset(1e-5 * magnitude + 1e-30));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K", "Q4_1", "Q5_0", "Q5_1", "IQ4_NL", "Q2_K",
        "Q3_K", "Q5_K", "IQ4_XS"})
    void quantizedDotGivesTheSameBitsBeforeAndAfterJitCompilation(GgmlType type) {
        assumeTrue(Kernels.VECTOR, "no 256- or 512-bit vectors on this CPU: the engine runs the scalar twins");
        Random random = new Random(700 + type.ordinal());
        int cols = 4 * type.blockSize() * (type.blockSize() == 32 ? 8 : 1);
        QuantizedMatrix m = (QuantizedMatrix) TestData.matrix(type, 1, cols, TestData.randomEncoding(type, cols, random));
        QuantizedActivations a = quantized(m, TestData.randomFloats(cols, random), 0);
        float cold = m.vectorDotQ(0, a, 0);
        float hot = cold;
        for (int i = 0; i < 20_000; i++) {
            hot = m.vectorDotQ(0, a, 0);
            if (hot != cold) {
                break;
            }
        }
        assertThat(Float.floatToRawIntBits(hot)).as("%s", type).isEqualTo(Float.floatToRawIntBits(cold));
    }

    @Test
    void packedQ4KScalesAndMinsMatchTheBytewiseUnpacking() {
        Random random = new Random(800);
        byte[] bytes = new byte[12];
        for (int k = 0; k < 1000; k++) {
            random.nextBytes(bytes);
            java.lang.foreign.MemorySegment segment = TestData.offHeap(bytes);
            long scales = Q4_KMatrix.packedScales(segment, 0);
            long mins = Q4_KMatrix.packedMins(segment, 0);
            for (int j = 0; j < 8; j++) {
                int sm = Q4_KMatrix.scaleMin(segment, 0, j);
                assertThat((int) (scales >>> (8 * j)) & 0xFF).as("scale %d", j).isEqualTo(sm & 0xFF);
                assertThat((int) (mins >>> (8 * j)) & 0xFF).as("min %d", j).isEqualTo(sm >>> 8);
            }
        }
    }

    @Test
    void vectorHalfConversionIsExactForAllHalfBitPatterns() {
        int lanes = Kernels.I.length();
        int[] bits = new int[lanes];
        float[] converted = new float[lanes];
        for (int start = 0; start < 1 << 16; start += lanes) {
            for (int k = 0; k < lanes; k++) {
                // The upper 16 bits are sign-extension garbage in the kernel; fill them likewise.
                bits[k] = (short) (start + k);
            }
            Kernels.halfToFloat(IntVector.fromArray(Kernels.I, bits, 0)).intoArray(converted, 0);
            for (int k = 0; k < lanes; k++) {
                float expected = Float.float16ToFloat((short) (start + k));
                if (Float.isNaN(expected)) {
                    assertThat(converted[k]).as("half bits %04x", start + k).isNaN();
                } else {
                    assertThat(Float.floatToRawIntBits(converted[k])).as("half bits %04x", start + k)
                            .isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    @Test
    void dotChecksRowAndActivationBounds() {
        WeightMatrix m = TestData.matrix(GgmlType.Q8_0, 2, 32, TestData.randomEncoding(GgmlType.Q8_0, 64, new Random(1)));
        assertThatThrownBy(() -> m.dot(2, new float[32], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.dot(-1, new float[32], 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.dot(0, new float[40], 9)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.dequantizeRow(0, new float[31], 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void kernelSwitchReadsTheSystemProperty() {
        boolean scalarRequested = "scalar".equalsIgnoreCase(System.getProperty(Kernels.KERNELS_PROPERTY, "vector"));
        if (scalarRequested) {
            assertThat(Kernels.VECTOR).isFalse();
        } else {
            assertThat(Kernels.VECTOR).isEqualTo(Kernels.F.length() >= 8 && Kernels.F.length() <= 16);
        }
    }

    @Test
    void everySupportedTypeHasAMatrix() {
        for (GgmlType type : SUPPORTED) {
            int cols = type.blockSize() == 1 ? 4 : type.blockSize();
            WeightMatrix m = TestData.matrix(type, 1, cols, TestData.randomEncoding(type, cols, new Random(5)));
            assertThat(m.type()).isEqualTo(type);
            assertThat(m.rows()).isEqualTo(1);
            assertThat(m.cols()).isEqualTo(cols);
        }
    }
}
