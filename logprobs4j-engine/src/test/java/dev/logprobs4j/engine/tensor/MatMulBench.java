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
 * Add {@code -Dlogprobs4j.kernels=scalar} to measure the scalar twins, {@code
 * -Dlogprobs4j.activations=int8} for 8-bit activations, {@code -Dbench.types=Q8_0,Q4_0}
 * to pick types and {@code -Dbench.reps=5} for the repetitions. Each figure is min / median / max
 * over the repetitions; with one thread it is also given per CPU second of the calling thread
 * ("cpu"), which stays meaningful when other processes compete for the cores.
 */
public final class MatMulBench {

    private static final long WORKING_SET_BYTES = Long.getLong("bench.workingSetBytes", 512L << 20);

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("kernels")) {
            kernels();
            return;
        }
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 8192;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 2.0;
        System.out.printf(Locale.ROOT, "matvec %dx%d, float species %s, vector kernels %b, pool threads %d%n",
                rows, cols, Kernels.F, Kernels.VECTOR, MatMul.threads());
        GgmlType[] types = java.util.Arrays.stream(System.getProperty("bench.types", "Q8_0,Q4_0,Q4_K,Q6_K,F16,BF16,F32")
                .split(",")).map(GgmlType::valueOf).toArray(GgmlType[]::new);
        int reps = Integer.getInteger("bench.reps", 5);
        System.out.printf(Locale.ROOT, "activations %s, load average %.2f%n", Kernels.DEFAULT_ACTIVATIONS,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
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
                run(matrices, x, out, threads, 0.5, null); // warm-up and JIT
                double[] wall = new double[reps];
                double[] cpu = new double[reps];
                for (int r = 0; r < reps; r++) {
                    double[] cpuOut = new double[1];
                    wall[r] = run(matrices, x, out, threads, seconds / reps, cpuOut);
                    cpu[r] = cpuOut[0];
                }
                line.append(String.format(Locale.ROOT, "  %dT %s GB/s", threads, stats(wall)));
                if (threads == 1) {
                    line.append(String.format(Locale.ROOT, " (cpu %s)", stats(cpu)));
                }
            }
            System.out.println(line);
            arena.close();
        }
    }

    private static String stats(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return String.format(Locale.ROOT, "%5.2f/%5.2f/%5.2f", s[0], s[s.length / 2], s[s.length - 1]);
    }

    private static double run(WeightMatrix[] matrices, float[] x, float[] out, int threads, double seconds,
            double[] cpuGbPerSecond) {
        long bytes = matrices[0].type().byteSize((long) matrices[0].rows() * matrices[0].cols());
        long count = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = mx.getCurrentThreadCpuTime();
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
        if (cpuGbPerSecond != null) {
            cpuGbPerSecond[0] = (double) bytes * count / (mx.getCurrentThreadCpuTime() - cpuStart);
        }
        return (double) bytes * count / (now - start);
    }

    /**
     * The kernels alone: one thread, a 128 x 2048 matrix that stays in cache, CPU time of the
     * calling thread (meaningful on a loaded machine), best of 12 slices; nanoseconds per 32
     * weights per activation row, for float and 8-bit activations, one and five activation rows.
     * Run as {@code MatMulBench kernels}.
     */
    /**
     * The types {@code kernels} measures: all by default, or those named in the system property
     * {@code bench.types} (comma-separated), e.g. {@code -Dbench.types=Q4_1,Q5_0}.
     */
    static GgmlType[] kernelTypes() {
        String only = System.getProperty("bench.types", "");
        if (!only.isBlank()) {
            return java.util.Arrays.stream(only.split(",")).map(t -> GgmlType.valueOf(t.trim().toUpperCase(Locale.ROOT)))
                    .toArray(GgmlType[]::new);
        }
        return new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16, GgmlType.F32,
            GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1, GgmlType.IQ4_NL, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q5_K, GgmlType.IQ4_XS};
    }

    static void kernels() {
        int rows = 128;
        int cols = 2048;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "kernels, ns per 32 weights per activation row (1 thread, %dx%d in cache, CPU time), load %.2f%n",
                rows, cols, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("type   float b=1  int8 b=1  float b=5  int8 b=5");
        for (GgmlType type : kernelTypes()) {
            WeightMatrix w = TestData.matrix(type, rows, cols, TestData.randomEncoding(type, rows * cols, new Random(1)));
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-5s", type));
            for (int batch : new int[] {1, 5}) {
                for (MatMul.Activations act : MatMul.Activations.values()) {
                    float[] x = TestData.randomFloats(cols * batch, new Random(2));
                    float[] out = new float[rows * batch];
                    double best = Double.MAX_VALUE;
                    for (int rep = 0; rep < 12; rep++) {
                        long c0 = mx.getCurrentThreadCpuTime();
                        int n = 0;
                        while (mx.getCurrentThreadCpuTime() - c0 < 400_000_000L) {
                            for (int k = 0; k < 50; k++) {
                                MatMul.matmul(w, x, 0, batch, out, 0, 1, act);
                            }
                            n += 50;
                        }
                        best = Math.min(best, (mx.getCurrentThreadCpuTime() - c0) / (double) n / (rows * (cols / 32.0) * batch));
                    }
                    line.append(String.format(Locale.ROOT, "  %9.2f", best));
                }
            }
            System.out.println(line);
        }
    }
}
