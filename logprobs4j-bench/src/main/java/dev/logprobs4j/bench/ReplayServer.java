package dev.logprobs4j.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback server that replays {@link SseFixture} streams at {@code /t/<tokens>/chat/completions},
 * or at {@code /v1/chat/completions} with the length in the request body's {@code bench_tokens},
 * as fast as the client reads, run in its own JVM so that its CPU is not counted against a client.
 * Prints {@code PORT <n>} and serves until its standard input closes.
 */
public final class ReplayServer {
    private static final Pattern BENCH_TOKENS = Pattern.compile("\"bench_tokens\"\\s*:\\s*(\\d+)");

    private ReplayServer() {}

    public static void main(String[] args) throws IOException {
        int top = Integer.parseInt(args[0]);
        Map<Integer, byte[]> streams = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath(); // /t/<tokens>/chat/completions or /v1/chat/completions
                String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Matcher inBody = BENCH_TOKENS.matcher(request);
                String[] parts = path.split("/");
                if (!path.endsWith("/chat/completions") || !(path.startsWith("/t/") || inBody.find())) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                int tokens = Integer.parseInt(path.startsWith("/t/") ? parts[2] : inBody.group(1));
                byte[] body = streams.computeIfAbsent(tokens, n -> SseFixture.stream(n, top));
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int off = 0; off < body.length; off += 16384) {
                        out.write(body, off, Math.min(16384, body.length - off));
                    }
                }
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("PORT " + server.getAddress().getPort());
        System.out.flush();
        try (InputStream in = System.in) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        server.stop(0);
        System.exit(0);
    }
}
