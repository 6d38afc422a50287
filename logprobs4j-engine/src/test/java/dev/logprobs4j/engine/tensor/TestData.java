package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Random GGML-encoded matrices for kernel tests. */
final class TestData {

    private TestData() {}

    /**
     * Random bytes for {@code elements} values of {@code type}: every quant bit pattern can occur,
     * while the half-precision scale fields get finite values of moderate size so sums stay finite.
     */
    static byte[] randomEncoding(GgmlType type, int elements, Random random) {
        byte[] bytes = new byte[Math.toIntExact(type.byteSize(elements))];
        random.nextBytes(bytes);
        int blocks = elements / type.blockSize();
        for (int blk = 0; blk < blocks; blk++) {
            int at = blk * type.blockBytes();
            switch (type) {
                case F32 -> {
                    for (int i = 0; i < type.blockBytes(); i += 4) {
                        putFloat(bytes, at + i, (float) random.nextGaussian());
                    }
                }
                case F16 -> putHalf(bytes, at, (float) random.nextGaussian());
                case BF16 -> {
                    int bits = Float.floatToRawIntBits((float) random.nextGaussian()) >>> 16;
                    bytes[at] = (byte) bits;
                    bytes[at + 1] = (byte) (bits >>> 8);
                }
                case Q8_0, Q4_0, IQ4_NL, IQ4_XS -> putHalf(bytes, at, randomScale(random));
                case Q5_0 -> putHalf(bytes, at, randomScale(random));
                case Q4_1, Q5_1 -> {
                    putHalf(bytes, at, randomScale(random));
                    putHalf(bytes, at + 2, randomScale(random));
                }
                case Q2_K -> {
                    putHalf(bytes, at + 80, randomScale(random));
                    putHalf(bytes, at + 82, randomScale(random));
                }
                case Q3_K -> putHalf(bytes, at + 108, randomScale(random));
                case Q5_K -> {
                    putHalf(bytes, at, randomScale(random));
                    putHalf(bytes, at + 2, randomScale(random));
                }
                case Q4_K -> {
                    putHalf(bytes, at, randomScale(random));
                    putHalf(bytes, at + 2, randomScale(random));
                }
                case Q6_K -> putHalf(bytes, at + 208, randomScale(random));
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return bytes;
    }

    /** Scales with random sign and magnitude, including half subnormals now and then. */
    private static float randomScale(Random random) {
        float magnitude = random.nextInt(20) == 0 ? 1e-6f : (float) Math.pow(2, -12 + 10 * random.nextDouble());
        return random.nextBoolean() ? magnitude : -magnitude;
    }

    static float[] randomFloats(int n, Random random) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    /** Copies {@code bytes} off-heap, like the memory mapping the engine reads. */
    static MemorySegment offHeap(byte[] bytes) {
        MemorySegment segment = Arena.ofAuto().allocate(Math.max(1, bytes.length), 64);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment.asSlice(0, bytes.length);
    }

    static SegmentMatrix matrix(GgmlType type, int rows, int cols, byte[] bytes) {
        return (SegmentMatrix) WeightMatrices.of("test", type, rows, cols, offHeap(bytes));
    }

    private static void putHalf(byte[] b, int at, float value) {
        short bits = Float.floatToFloat16(value);
        b[at] = (byte) bits;
        b[at + 1] = (byte) (bits >>> 8);
    }

    private static void putFloat(byte[] b, int at, float value) {
        int bits = Float.floatToRawIntBits(value);
        for (int k = 0; k < 4; k++) {
            b[at + k] = (byte) (bits >>> (8 * k));
        }
    }
}
