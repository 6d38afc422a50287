package dev.logprobs4j.openai;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A local HTTP server on 127.0.0.1 that replays fixture files byte for byte, one queued reply per
 * request, and records every request it received.
 */
final class FixtureServer implements AutoCloseable {

    /** A request as received. */
    record Recorded(String method, String uri, Headers headers, byte[] body, long atNanos) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One scripted answer. */
    static final class Reply {
        final int status;
        final byte[] body;
        final Map<String, String> headers = new LinkedHashMap<>();
        long delayMillis;
        boolean eventByEvent;
        long stallMillis;
        boolean holdOpen;

        Reply(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Wait this long before sending the status line. */
        Reply delay(long millis) {
            delayMillis = millis;
            return this;
        }

        /** Send each SSE event in its own flushed write (the bytes stay the same). */
        Reply eventByEvent() {
            eventByEvent = true;
            return this;
        }

        /** After the body, keep the connection open and silent this long. */
        Reply stallAfterBody(long millis) {
            stallMillis = millis;
            return this;
        }

        /** After the body, keep writing keep-alive comments until the client goes away. */
        Reply holdOpen() {
            holdOpen = true;
            return this;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    final CountDownLatch clientGone = new CountDownLatch(1);

    FixtureServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    FixtureServer reply(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** Queues a fixture file as a 200 answer with the content type its extension implies. */
    FixtureServer replyFixture(String name) {
        return reply(fixture(200, name));
    }

    static Reply fixture(int status, String name) {
        Reply r = new Reply(status, Fixtures.bytes(name));
        r.header("Content-Type", name.endsWith(".sse") ? "text/event-stream; charset=utf-8"
                : name.endsWith(".json") ? "application/json" : "text/html");
        return r;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders(), body, System.nanoTime()));
        Reply reply = replies.poll();
        if (reply == null) {
            byte[] msg = "no reply queued in FixtureServer".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(599, msg.length);
            exchange.getResponseBody().write(msg);
            exchange.close();
            return;
        }
        try {
            if (reply.delayMillis > 0) {
                Thread.sleep(reply.delayMillis);
            }
            reply.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            boolean streamed = reply.eventByEvent || reply.stallMillis > 0 || reply.holdOpen;
            exchange.sendResponseHeaders(reply.status, streamed ? 0 : reply.body.length == 0 ? -1 : reply.body.length);
            OutputStream out = exchange.getResponseBody();
            if (reply.eventByEvent) {
                for (byte[] piece : splitEvents(reply.body)) {
                    out.write(piece);
                    out.flush();
                }
            } else {
                out.write(reply.body);
                out.flush();
            }
            if (reply.stallMillis > 0) {
                Thread.sleep(reply.stallMillis);
            }
            if (reply.holdOpen) {
                try {
                    for (int i = 0; i < 500; i++) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        Thread.sleep(20);
                    }
                } catch (IOException e) {
                    clientGone.countDown();
                    throw e;
                }
            }
            exchange.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The body cut after each blank line ("\n\n"), so each event is its own write. */
    static List<byte[]> splitEvents(byte[] body) {
        List<byte[]> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < body.length; i++) {
            if (body[i] == '\n' && body[i - 1] == '\n') {
                pieces.add(java.util.Arrays.copyOfRange(body, start, i + 1));
                start = i + 1;
            }
        }
        if (start < body.length) {
            pieces.add(java.util.Arrays.copyOfRange(body, start, body.length));
        }
        return pieces;
    }

    Recorded onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected exactly one request, got " + requests.size());
        }
        return requests.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** A model pointing at this server with a test key and no retry waits unless a sleeper is given. */
    OpenAiChatModel.Builder model() {
        return OpenAiChatModel.builder().model("gpt-4o-mini").baseUrl(baseUrl()).apiKey("sk-test-SECRET-1234")
                .env(name -> null);
    }

    static String text(byte[] bytes) {
        return new String(Objects.requireNonNull(bytes), StandardCharsets.UTF_8);
    }
}
