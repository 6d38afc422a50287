package dev.logprobs4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench soak}: well-behaved streaming clients and hostile ones against {@code serve}'s
 * server (default limits, stories260K, in its own JVM) for a fixed time. The hostile clients take
 * turns at slow bodies, stalled readers, mid-stream disconnects, dripped headers and malformed
 * chunked bodies. Reports the errors the well-behaved clients saw (must be 0), their throughput
 * and latency, the same figures from a warm-up phase without hostile clients as the peer, and the
 * server's resident memory over time. Loopback only; every loop ends at the deadline.
 */
final class SoakBench {
    private SoakBench() {}

    private static final String BODY = "{\"model\":\"any\",\"stream\":true,\"temperature\":0.8,\"max_tokens\":48,"
            + "\"logprobs\":true,\"top_logprobs\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";

    record Phase(String name, long requests, long errors, long tokens, double seconds, long p50Ms, long p99Ms) {
        double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    static void run(BenchEnv env, double minutes, int clients, int hostilePercent) throws Exception {
        Path model = env.sharedModel("stories260K.gguf");
        int hostile = (int) Math.ceil(clients * hostilePercent / 100.0);
        List<String> cmd = new ArrayList<>(List.of(Fork.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                // As the CLI launcher runs serve, with a bounded heap so that a leak shows as a rising RSS, not a late GC.
                "-XX:+UseSerialGC", "-Xmx512m"));
        cmd.addAll(BenchEnv.extraJvmArgs());
        cmd.addAll(List.of(SoakServer.class.getName(), model.toString(), Integer.toString(env.threads())));
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            if (line == null || !line.startsWith("PORT ")) {
                throw new IllegalStateException("the soak server did not start: " + line);
            }
            int port = Integer.parseInt(line.substring(5).strip());
            System.out.printf("soak: %d well-behaved streaming clients + %d hostile (%d%%) for %.1f min against pid %d on 127.0.0.1:%d%n",
                    clients, hostile, hostilePercent, minutes, server.pid(), port);
            List<long[]> rss = new java.util.concurrent.CopyOnWriteArrayList<>(); // {millis since start, kB}
            long t0 = System.nanoTime();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    rss.add(new long[] {(System.nanoTime() - t0) / 1_000_000, rssKb(server.pid())});
                    try {
                        Thread.sleep(5_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            phase("JIT warm-up", port, clients, 0, 0.5); // not reported: the first requests compile the server
            double baseMinutes = Math.max(0.5, Math.min(1.0, minutes / 5));
            Phase warm = phase("no hostile", port, clients, 0, baseMinutes);
            long hostileFrom = (System.nanoTime() - t0) / 1_000_000;
            Phase soak = phase("hostile", port, clients, hostile, minutes);
            sampler.interrupt();
            // The trend is read over the last 70% of the hostile phase, after its connections reached their steady number.
            report(warm, soak, rss, hostileFrom + (long) (minutes * 0.3 * 60_000));
        } finally {
            server.getOutputStream().close();
            server.destroy();
        }
    }

    private static Phase phase(String name, int port, int clients, int hostile, double minutes) throws Exception {
        long end = System.nanoTime() + (long) (minutes * 60e9);
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        long s = System.nanoTime();
                        try {
                            tokens.addAndGet(stream(http, port));
                            latencies.add((System.nanoTime() - s) / 1_000_000);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            if (firstErrors.size() < 5) {
                                firstErrors.add(e.toString());
                            }
                        }
                        requests.incrementAndGet();
                    }
                });
            }
            for (int h = 0; h < hostile; h++) {
                int first = h;
                pool.submit(() -> {
                    for (int i = first; System.nanoTime() < end; i++) {
                        try {
                            Hostile.values()[i % Hostile.values().length].attack(port, end);
                        } catch (IOException expected) {
                            // the server closed on us: that is its job
                        }
                    }
                    return null;
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long[] l = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        firstErrors.forEach(e -> System.out.println("  good-client error: " + e));
        return new Phase(name, requests.get(), errors.get(), tokens.get(), seconds, pct(l, 0.50), pct(l, 0.99));
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** One well-behaved streaming request; the number of token events. Fails on anything but a whole 200 stream. */
    private static int stream(HttpClient http, int port) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        HttpResponse<InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            if (res.statusCode() != 200) {
                throw new IOException("status " + res.statusCode() + ": " + r.readLine());
            }
            int tokens = 0;
            boolean done = false;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("data: {")) {
                    if (line.contains("\"error\"")) {
                        throw new IOException("error event: " + line);
                    }
                    if (line.contains("\"top_logprobs\":[{")) {
                        tokens++;
                    }
                } else if (line.equals("data: [DONE]")) {
                    done = true;
                }
            }
            if (!done || tokens == 0) {
                throw new IOException("stream ended without [DONE] after " + tokens + " tokens");
            }
            return tokens;
        }
    }

    /** What the hostile clients do, in turn. Each holds its connection at most ~35 s and stops at the deadline. */
    enum Hostile {
        SLOW_BODY {
            @Override
            void attack(int port, long end) throws IOException {
                try (Socket s = connect(port, 0)) {
                    send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"model\":");
                    drain(s, end, 35_000);
                }
            }
        },
        STALLED_READER {
            @Override
            void attack(int port, long end) throws IOException {
                try (Socket s = connect(port, 2048)) {
                    String body = BODY.replace("\"max_tokens\":48", "\"max_tokens\":4096");
                    send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                    pause(end, 35_000); // never read: the server must cancel the stream and free its slot
                }
            }
        },
        MID_STREAM_DISCONNECT {
            @Override
            void attack(int port, long end) throws IOException {
                try (Socket s = connect(port, 0)) {
                    send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + BODY.length() + "\r\n\r\n" + BODY);
                    s.setSoTimeout(30_000);
                    s.getInputStream().readNBytes(3000);
                } // hangs up mid-stream
            }
        },
        DRIPPED_HEADERS {
            @Override
            void attack(int port, long end) throws IOException {
                try (Socket s = connect(port, 0)) {
                    send(s, "GET /health HTTP/1.1\r\n");
                    for (int i = 0; i < 30 && System.nanoTime() < end; i++) {
                        send(s, "X-Drip-" + i + ": 1\r\n");
                        pause(end, 1_000);
                    }
                }
            }
        },
        BAD_CHUNKING {
            @Override
            void attack(int port, long end) throws IOException {
                try (Socket s = connect(port, 0)) {
                    send(s, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");
                    drain(s, end, 10_000);
                }
            }
        };

        abstract void attack(int port, long end) throws IOException;

        static Socket connect(int port, int receiveBuffer) throws IOException {
            Socket s = new Socket();
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            return s;
        }

        static void send(Socket s, String text) throws IOException {
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Reads what the server says until it closes, for at most {@code millis}. */
        static void drain(Socket s, long end, int millis) throws IOException {
            s.setSoTimeout(1_000);
            long stop = Math.min(end, System.nanoTime() + millis * 1_000_000L);
            byte[] buf = new byte[4096];
            while (System.nanoTime() < stop) {
                try {
                    if (s.getInputStream().read(buf) < 0) {
                        return;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // keep waiting
                }
            }
        }

        static void pause(long end, long millis) {
            long ms = Math.max(0, Math.min(millis, (end - System.nanoTime()) / 1_000_000));
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // the process ended
        }
        return -1;
    }

    private static void report(Phase warm, Phase soak, List<long[]> rss, long steadyFromMillis) {
        System.out.println();
        System.out.println("| phase | requests | good-client errors | tokens/s | p50 latency | p99 latency |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (Phase p : List.of(warm, soak)) {
            System.out.printf("| %s (%.0f s) | %d | %d | %.0f | %d ms | %d ms |%n", p.name(), p.seconds(), p.requests(), p.errors(),
                    p.tokensPerSecond(), p.p50Ms(), p.p99Ms());
        }
        System.out.printf("throughput with hostile clients / without: %.2f%n", soak.tokensPerSecond() / warm.tokensPerSecond());
        long[][] after = rss.stream().filter(r -> r[0] >= steadyFromMillis && r[1] > 0).toArray(long[][]::new);
        StringBuilder trend = new StringBuilder();
        for (int i = 0; i < rss.size(); i += Math.max(1, rss.size() / 12)) {
            trend.append(String.format(" %.0fs:%dMB", rss.get(i)[0] / 1000.0, rss.get(i)[1] / 1024));
        }
        System.out.println("server RSS over time:" + trend);
        if (after.length >= 2) {
            double slope = slopeMbPerMinute(after);
            long min = Arrays.stream(after).mapToLong(r -> r[1]).min().orElse(0);
            long max = Arrays.stream(after).mapToLong(r -> r[1]).max().orElse(0);
            System.out.printf("server RSS over the last 70%% of the hostile phase: %d..%d MB, trend %+.2f MB/min (least squares, %d samples)%n",
                    min / 1024, max / 1024, slope, after.length);
        }
        System.out.println(soak.errors() == 0 && warm.errors() == 0 ? "RESULT good_client_errors 0" : "RESULT good_client_errors " + (soak.errors() + warm.errors()));
    }

    private static double slopeMbPerMinute(long[][] samples) {
        double n = samples.length;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (long[] s : samples) {
            double x = s[0] / 60_000.0;
            double y = s[1] / 1024.0;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }
}
