package dev.logprobs4j.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufTensorInfo;
import dev.logprobs4j.gguf.Quantizer;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightMatricesTest {

    @Test
    void ggufShapeListsColumnsFirst() {
        float[] values = TestData.randomFloats(3 * 64, new Random(1));
        byte[] bytes = Quantizer.quantize(GgmlType.Q8_0, values);
        GgufTensorInfo info = GgufTensorInfo.of("blk.0.ffn_up.weight", new long[] {64, 3}, GgmlType.Q8_0, 0);
        WeightMatrix m = WeightMatrices.of(info, TestData.offHeap(bytes));
        assertThat(m.rows()).isEqualTo(3);
        assertThat(m.cols()).isEqualTo(64);
        float[] row = new float[64];
        m.dequantizeRow(2, row, 0);
        float[] all = Quantizer.dequantize(GgmlType.Q8_0, bytes, 3 * 64);
        assertThat(row).containsExactly(java.util.Arrays.copyOfRange(all, 128, 192));
    }

    @Test
    void oneDimensionalTensorIsOneRow() {
        GgufTensorInfo info = GgufTensorInfo.of("output_norm.weight", new long[] {10}, GgmlType.F32, 0);
        WeightMatrix m = WeightMatrices.of(info, TestData.offHeap(Quantizer.quantize(GgmlType.F32, new float[10])));
        assertThat(m.rows()).isEqualTo(1);
        assertThat(m.cols()).isEqualTo(10);
    }

    @Test
    void acceptsTheWholeDataSectionAndSlicesAtTheTensorOffset() {
        float[] values = TestData.randomFloats(8, new Random(2));
        byte[] tensor = Quantizer.quantize(GgmlType.F32, values);
        byte[] section = new byte[64 + tensor.length + 16];
        System.arraycopy(tensor, 0, section, 64, tensor.length);
        GgufTensorInfo info = GgufTensorInfo.of("t", new long[] {4, 2}, GgmlType.F32, 64);
        WeightMatrix m = WeightMatrices.of(info, TestData.offHeap(section));
        float[] row = new float[4];
        m.dequantizeRow(1, row, 0);
        assertThat(row).containsExactly(values[4], values[5], values[6], values[7]);
    }

    @Test
    void unsupportedTypeErrorNamesTypeAndTensor() {
        GgufTensorInfo info = GgufTensorInfo.of("blk.3.attn_v.weight", new long[] {256, 2}, GgmlType.IQ2_XS, 0);
        MemorySegment data = TestData.offHeap(new byte[(int) info.byteSize()]);
        assertThatThrownBy(() -> WeightMatrices.of(info, data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blk.3.attn_v.weight")
                .hasMessageContaining("IQ2_XS")
                .hasMessageContaining("supported types are F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K,"
                        + " IQ4_NL, IQ4_XS, BF16");
    }

    @Test
    void dataTooSmallForTheTensorIsRejectedWithTheTensorName() {
        GgufTensorInfo info = GgufTensorInfo.of("token_embd.weight", new long[] {32, 4}, GgmlType.Q8_0, 100);
        MemorySegment data = TestData.offHeap(new byte[120]);
        assertThatThrownBy(() -> WeightMatrices.of(info, data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token_embd.weight")
                .hasMessageContaining("[100, 236)");
    }

    @Test
    void threadConfinedDataIsRejectedBecauseProductsRunOnPoolThreads() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment data = arena.allocate(16);
            assertThatThrownBy(() -> WeightMatrices.of("attn_q", GgmlType.F32, 2, 2, data))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("attn_q")
                    .hasMessageContaining("confined");
        }
    }

    @Test
    void rowLengthMustBeWholeBlocks() {
        assertThatThrownBy(() -> WeightMatrices.of("w", GgmlType.Q4_K, 1, 128, TestData.offHeap(new byte[72])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'w'")
                .hasMessageContaining("256");
    }
}
