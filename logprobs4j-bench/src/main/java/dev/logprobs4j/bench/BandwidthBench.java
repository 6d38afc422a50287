package dev.logprobs4j.bench;

import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The memory-bandwidth ceiling of decoding: streaming-read GB/s of this machine (1 and 2
 * threads), and decode tokens/s of both engines as a fraction of bandwidth / weight bytes per
 * token (every weight is read once per decoded token). Stateless; not thread-safe (prints).
 */
final class BandwidthBench {
    /** The preferred species: the read kernel should issue the widest loads the CPU has, as the engine's kernels do. */
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
    private static final long BUFFER = 1L << 30; // far larger than any cache

    private BandwidthBench() {}

    static void run(BenchEnv env, List<EngineBench.Measured> engine) {
        double[] one = new double[Math.max(env.runs(), 3)];
        double[] two = new double[one.length];
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(BUFFER, 64);
            for (long i = 0; i < BUFFER; i += 8) {
                buf.set(java.lang.foreign.ValueLayout.JAVA_LONG, i, i); // touch every page, defeat zero-page sharing
            }
            read(buf, 1);
            read(buf, 2); // warm-up
            for (int r = 0; r < one.length; r++) {
                one[r] = read(buf, 1);
                two[r] = read(buf, 2);
            }
        }
        Stats b1 = Stats.of(one);
        Stats b2 = Stats.of(two);
        System.out.printf("%nmemory bandwidth (streaming read of %d MiB, Vector API %d-bit loads, %d runs)%n", BUFFER >> 20,
                SPECIES.vectorBitSize(), one.length);
        System.out.printf("%-10s  %s%n", "threads", "GB/s min/med/max");
        System.out.printf("%-10s  %s%n", "1", b1.format(""));
        System.out.printf("%-10s  %s%n", "2", b2.format(""));
        double bw = (env.threads() >= 2 ? b2 : b1).median() * 1e9;

        List<EngineBench.Measured> decodeRuns = new ArrayList<>();
        if (engine != null) {
            for (EngineBench.Measured m : engine) {
                if (m.subject().label().startsWith("1B")) {
                    decodeRuns.add(m);
                }
            }
        } else {
            for (EngineBench.Subject s : EngineBench.subjects(env, true)) {
                if (!s.label().startsWith("1B")) {
                    continue;
                }
                WorkerArgs a = new WorkerArgs(s.file().toString(), env.threads(), 1, 0, env.quick() ? 32 : 64, 20, s.tokenLow(), s.tokenHigh(), false, 0);
                Fork.Results ours = null;
                Fork.Results peer = null;
                for (int r = 0; r < env.runs(); r++) {
                    System.err.printf("bandwidth: %s decode run %d/%d ...%n", s.label(), r + 1, env.runs());
                    Fork.Results o = Fork.run(env.classPath(), EngineWorker.class.getName(), env.engineJvmArgs(s.heap()), a.toArgs(), 900);
                    Fork.Results p = EngineBench.llamaCpp(env, a);
                    ours = ours == null ? o : ours.plus(o);
                    peer = peer == null ? p : peer.plus(p);
                }
                decodeRuns.add(new EngineBench.Measured(s, ours, peer));
            }
        }
        System.out.printf("%ndecode vs the bandwidth limit (%d threads: %.2f GB/s median; limit = bandwidth / weight bytes per token)%n",
                env.threads(), bw / 1e9);
        System.out.printf("%-10s  %-14s  %-12s  %-22s  %-12s  %-22s  %s%n", "model", "weights GB/tok", "limit tok/s",
                "logprobs4j tok/s (med)", "of limit", "llama.cpp tok/s (med)", "of limit");
        for (EngineBench.Measured m : decodeRuns) {
            long bytes = weightBytes(m.subject().file());
            double limit = bw / bytes;
            double ours = Stats.of(m.logprobs4j().get("decode")).median();
            double peer = Stats.of(m.llamaCpp().get("decode")).median();
            System.out.printf("%-10s  %-14.3f  %-12.2f  %-22.2f  %-12s  %-22.2f  %s%n", m.subject().label(), bytes / 1e9, limit, ours,
                    String.format("%.0f%%", 100 * ours / limit), peer, String.format("%.0f%%", 100 * peer / limit));
        }
    }

    /** Bytes of all tensors: each is read once per decoded token (the tied embedding as the output projection). */
    static long weightBytes(Path file) {
        try (GgufFile f = GgufFile.open(file)) {
            return f.tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum();
        }
    }

    /** GB/s of one pass over {@code buf} split into {@code threads} contiguous parts. */
    private static double read(MemorySegment buf, int threads) {
        long part = BUFFER / threads;
        long[] sums = new long[threads];
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    sums[id] = sum(buf, id * part, part);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        long t0 = System.nanoTime();
        start.countDown();
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        long check = 0;
        for (long x : sums) {
            check += x;
        }
        if (check == 42) {
            System.err.print(""); // keeps the sums alive
        }
        return BUFFER / s / 1e9;
    }

    /** Sum of the longs in {@code [from, from+len)}, four independent accumulators to keep loads in flight. */
    private static long sum(MemorySegment buf, long from, long len) {
        long step = SPECIES.vectorByteSize();
        LongVector a = LongVector.zero(SPECIES);
        LongVector b = a;
        LongVector c = a;
        LongVector d = a;
        long end = from + len;
        for (long i = from; i + 4 * step <= end; i += 4 * step) {
            a = a.add(LongVector.fromMemorySegment(SPECIES, buf, i, ByteOrder.nativeOrder()));
            b = b.add(LongVector.fromMemorySegment(SPECIES, buf, i + step, ByteOrder.nativeOrder()));
            c = c.add(LongVector.fromMemorySegment(SPECIES, buf, i + 2 * step, ByteOrder.nativeOrder()));
            d = d.add(LongVector.fromMemorySegment(SPECIES, buf, i + 3 * step, ByteOrder.nativeOrder()));
        }
        return a.add(b).add(c).add(d).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
