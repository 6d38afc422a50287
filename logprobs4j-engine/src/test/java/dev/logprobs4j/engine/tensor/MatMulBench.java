package dev.logprobs4j.engine.tensor;

import dev.logprobs4j.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Random;

/**
 * Micro benchmark (not a test): weight bytes streamed per second by {@link MatMul#matvec} for
 * each type, with 1 and 2 threads. Several matrices are cycled so that their total size exceeds
 * the CPU caches and the figure is main-memory bandwidth, as in decode.
 *
 * <p>Run from the repository root after {@code mvn -pl logprobs4j-engine -am test-compile}:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp logprobs4j-engine/target/classes:logprobs4j-engine/target/test-classes:logprobs4j-gguf/target/classes \
 *     dev.logprobs4j.engine.tensor.MatMulBench [rows cols [seconds]]
 * </pre>
 * Add {@code -Dlogprobs4j.kernels=scalar} to measure the scalar twins.
 */
public final class MatMulBench {

    private static final long WORKING_SET_BYTES = Long.getLong("bench.workingSetBytes", 512L << 20);

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 8192;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 2.0;
        System.out.printf(Locale.ROOT, "matvec %dx%d, float species %s, vector kernels %b, pool threads %d%n",
                rows, cols, Kernels.F, Kernels.VECTOR, MatMul.threads());
        GgmlType[] types = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16,
                GgmlType.F32};
        Random random = new Random(42);
        float[] x = TestData.randomFloats(cols, random);
        float[] out = new float[rows];
        for (GgmlType type : types) {
            long matrixBytes = type.byteSize((long) rows * cols);
            int copies = (int) Math.max(1, (WORKING_SET_BYTES + matrixBytes - 1) / matrixBytes);
            Arena arena = Arena.ofShared();
            WeightMatrix[] matrices = new WeightMatrix[copies];
            byte[] bytes = TestData.randomEncoding(type, rows * cols, random);
            for (int c = 0; c < copies; c++) {
                MemorySegment segment = arena.allocate(bytes.length, 64);
                MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
                matrices[c] = WeightMatrices.of("bench", type, rows, cols, segment);
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s %7.1f MB/matrix x %d:", type,
                    matrixBytes / 1e6, copies));
            for (int threads = 1; threads <= 2; threads++) {
                run(matrices, x, out, threads, 0.5); // warm-up and JIT
                double gbPerSecond = run(matrices, x, out, threads, seconds);
                line.append(String.format(Locale.ROOT, "  %d thread%s %6.2f GB/s (%6.3f ms/matvec)", threads,
                        threads == 1 ? " " : "s", gbPerSecond, matrixBytes / gbPerSecond / 1e6));
            }
            System.out.println(line);
            arena.close();
        }
    }

    private static double run(WeightMatrix[] matrices, float[] x, float[] out, int threads, double seconds) {
        long bytes = matrices[0].type().byteSize((long) matrices[0].rows() * matrices[0].cols());
        long count = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now;
        do {
            for (WeightMatrix w : matrices) {
                MatMul.matmul(w, x, 0, 1, out, 0, threads);
                count++;
            }
            now = System.nanoTime();
        } while (now < deadline);
        return (double) bytes * count / (now - start);
    }
}
