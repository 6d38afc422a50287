package dev.logprobs4j.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A replaying HTTP server for provider tests: answers each route (method and path) with recorded
 * fixture bytes exactly as stored, and records every request it receives. Listens on
 * {@code 127.0.0.1} on a free port. Thread-safe; close it after the test.
 *
 * <p>A route holds a queue of {@link Reply replies}: each request takes the next one and the last
 * one repeats, so "429 with {@code Retry-After}, then 200" is two replies. A request to a path
 * with no route takes the next reply {@linkplain #enqueue queued} for any path, or, when none was,
 * gets {@code 404} with a plain-text body naming the path (and is recorded too).
 *
 * {@snippet :
 * try (ReplayServer server = ReplayServer.start()) {
 *     server.route("POST", "/api/chat", Reply.json(Fixtures.bytes(getClass(), "/fixtures/ollama/chat.json")));
 *     ChatModel model = OllamaChatModel.builder().baseUrl(server.baseUrl()).model("llama3.2").build();
 *     model.invoke("hi");
 *     RecordedRequest sent = server.requests().get(0);
 * }
 * }
 */
public final class ReplayServer implements AutoCloseable {

    /** How long the server waits after the last bytes of a cut reply before dropping the connection. */
    static final long CUT_PAUSE_MILLIS = 150;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Deque<Reply>> routes = new ConcurrentHashMap<>();
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final Deque<Reply> unrouted = new ArrayDeque<>();
    private Reply lastUnrouted; // guarded by unrouted
    private final CountDownLatch clientGone = new CountDownLatch(1);

    private ReplayServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** A server on {@code 127.0.0.1} and a free port, already accepting requests. */
    public static ReplayServer start() {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a loopback port for the replay server", e);
        }
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "replay-server");
            t.setDaemon(true);
            return t;
        });
        ReplayServer replay = new ReplayServer(http, executor);
        http.createContext("/", replay::handle);
        http.setExecutor(executor);
        http.start();
        return replay;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Answers {@code method path} (path without query) with these replies in turn, the last one
     * repeating; replaces an earlier route for the same method and path.
     */
    public ReplayServer route(String method, String path, Reply... replies) {
        if (replies.length == 0) {
            throw new IllegalArgumentException("a route needs at least one reply");
        }
        routes.put(key(method, path), new ArrayDeque<>(List.of(replies)));
        return this;
    }

    /**
     * Queues replies for requests to paths that have no {@link #route}, whatever their method and
     * path: each is used once, in turn, and when all are used the last one repeats (for tests of one endpoint whose path depends
     * on settings, such as Azure's deployments).
     */
    public ReplayServer enqueue(Reply... replies) {
        synchronized (unrouted) {
            unrouted.addAll(List.of(replies));
        }
        return this;
    }

    /**
     * Waits until a client went away while a {@link Reply#holdOpen()} reply was still being
     * written (it closed the stream), or the time is up.
     *
     * @return whether the client went away in time
     */
    public boolean awaitClientGone(java.time.Duration timeout) throws InterruptedException {
        return clientGone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** How many requests arrived so far. */
    public int requestCount() {
        return requests.size();
    }

    /** The only request received; fails when there were none or several. */
    public RecordedRequest onlyRequest() {
        List<RecordedRequest> all = requests();
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one request, the server received " + all.size());
        }
        return all.get(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static String key(String method, String path) {
        return method.toUpperCase(java.util.Locale.ROOT) + " " + path;
    }

    private Reply next(String key) {
        Deque<Reply> queue = routes.get(key);
        if (queue == null) {
            synchronized (unrouted) {
                // A queued reply is used once; when all are used, the last one repeats.
                Reply r = unrouted.pollFirst();
                lastUnrouted = r != null ? r : lastUnrouted;
                return lastUnrouted;
            }
        }
        synchronized (queue) {
            return queue.size() > 1 ? queue.pollFirst() : queue.peekFirst();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new RecordedRequest(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                exchange.getRequestHeaders(), body, System.nanoTime()));
        Reply reply = next(key(exchange.getRequestMethod(), path));
        if (reply == null) {
            // Nothing queued either: a 404 that says so, which no client retries.
            reply = Reply.of(404, "text/plain", "no route for " + exchange.getRequestMethod() + " " + path
                    + " in the replay server");
        }
        send(exchange, reply);
    }

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        pause(reply.delayMillis());
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] body = reply.body();
        int end = reply.cutAfter() >= 0 ? reply.cutAfter() : body.length;
        boolean fixed = reply.chunking() == Reply.Chunking.FIXED_LENGTH;
        exchange.sendResponseHeaders(reply.status(), fixed ? (body.length == 0 ? -1 : body.length) : 0);
        OutputStream out = exchange.getResponseBody();
        if (reply.chunking() == Reply.Chunking.PER_LINE || reply.chunking() == Reply.Chunking.PER_EVENT) {
            boolean perEvent = reply.chunking() == Reply.Chunking.PER_EVENT;
            int start = 0;
            for (int i = 0; i < end; i++) {
                if (body[i] == '\n' && (!perEvent || i > 0 && body[i - 1] == '\n')) {
                    out.write(body, start, i + 1 - start);
                    out.flush();
                    start = i + 1;
                }
            }
            if (start < end) {
                out.write(body, start, end - start);
                out.flush();
            }
        } else if (end > 0) {
            out.write(body, 0, end);
            out.flush();
        }
        pause(reply.stallMillis());
        if (reply.keepAlive()) {
            holdOpen(out);
        }
        if (reply.cutAfter() >= 0) {
            // The JDK client drops data it has buffered but not yet handed out when the connection
            // fails; a pause lets it hand out what was sent, so tests of partial results are stable.
            pause(CUT_PAUSE_MILLIS);
            // Throwing makes the JDK server drop the connection without ending the body (no final
            // chunk, or fewer bytes than Content-Length): what a client sees when a server dies.
            throw new IOException("replay server cut the connection after " + end + " bytes, as scripted");
        }
        exchange.close();
    }

    /** Writes keep-alive comments until the client closes the stream (or ten seconds pass). */
    private void holdOpen(OutputStream out) throws IOException {
        try {
            for (int i = 0; i < 500; i++) {
                out.write(": keep-alive\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                pause(20);
            }
        } catch (IOException e) {
            clientGone.countDown();
            throw e;
        }
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
