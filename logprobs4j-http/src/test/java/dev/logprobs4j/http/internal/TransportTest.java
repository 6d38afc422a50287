package dev.logprobs4j.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.logprobs4j.http.HttpSettings;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TransportException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both sides of the transport: the requests a local server saw, and what the caller got back. */
class TransportTest {

    private static final String KEY = "sk-secret-1234";

    /** One scripted answer: status, headers, body; a negative status stalls after the body, 0 stalls before the headers. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    private HttpServer server;
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Map<String, List<String>>> seen = Collections.synchronizedList(new ArrayList<>());
    private final List<Duration> waits = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        seen.add(Map.copyOf(x.getRequestHeaders()));
        Answer a;
        synchronized (answers) {
            a = answers.size() > 1 ? answers.poll() : answers.peek();
        }
        if (a.status() == 0) {
            await(); // headers never come in time
            x.close();
            return;
        }
        a.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        if (a.status() < 0) {
            x.sendResponseHeaders(-a.status(), 0); // chunked: the body never ends
            x.getResponseBody().write(body);
            x.getResponseBody().flush();
            await();
            x.close();
            return;
        }
        x.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    private void await() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(int status, String body, String... headerPairs) {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            h.put(headerPairs[i], headerPairs[i + 1]);
        }
        answers.add(new Answer(status, h, body));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private Transport.Builder transport() {
        return transport(s -> s);
    }

    /** A transport with the test key, no retries unless {@code settings} asks for some, and recorded waits. */
    private Transport.Builder transport(java.util.function.UnaryOperator<HttpSettings.Builder> settings) {
        HttpSettings.Builder s = HttpSettings.builder().baseUrl(uri("/").toString()).apiKey(KEY)
                .header("Authorization", "Bearer " + KEY).maxRetries(0);
        return Transport.builder(settings.apply(s).build(), (status, body, retries) -> JsonSupport.providerError(status, body))
                .retryPolicy(new RetryPolicy(Clock.systemUTC(), () -> 0.0))
                .sleeper(waits::add);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void postSendsJsonWithTheHeadersAndHandsBackTheBody() {
        answer(200, "{\"ok\":true}", "Content-Type", "application/json");

        Transport t = transport().build();
        Transport.Opened opened = t.post(uri("/v1/x"), json("{}"), true);

        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.contentType()).isEqualTo("application/json");
        assertThat(t.readAll(opened)).isEqualTo("{\"ok\":true}");
        Map<String, List<String>> h = seen.get(0);
        assertThat(h.get("Content-type")).containsExactly("application/json");
        assertThat(h.get("Accept")).containsExactly("text/event-stream");
        assertThat(h.get("Authorization")).containsExactly("Bearer " + KEY);
        assertThat(waits).isEmpty();
    }

    @Test
    void retryableStatusIsRetriedAfterTheWaitTheServerAsks() {
        answer(503, "{\"error\":\"busy\"}", "retry-after-ms", "20");
        answer(200, "done");

        Transport t = transport(s -> s.maxRetries(2)).build();

        assertThat(t.readAll(t.post(uri("/"), json("{}"), false))).isEqualTo("done");
        assertThat(seen).hasSize(2);
        assertThat(waits).containsExactly(Duration.ofMillis(20));
    }

    @Test
    void exhaustedRetriesBackOffThenMapTheLastAnswerWithTheKeyScrubbed() {
        answer(500, "{\"error\":{\"message\":\"key " + KEY + " overloaded\"}}");
        List<Integer> retriesSeen = new ArrayList<>();
        Transport t = Transport.builder(HttpSettings.builder().baseUrl(uri("/").toString()).apiKey(KEY).maxRetries(2).build(), (status, body, retries) -> {
            retriesSeen.add(retries);
            return JsonSupport.providerError(status, body);
        }).retryPolicy(new RetryPolicy(Clock.systemUTC(), () -> 0.0)).sleeper(waits::add).build();

        assertThatThrownBy(() -> t.post(uri("/"), json("{}"), false)).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.providerMessage()).isEqualTo("key *** overloaded");
            assertThat(e.body()).doesNotContain(KEY);
        });
        assertThat(seen).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(retriesSeen).containsExactly(2);
    }

    @Test
    void clientErrorsAndShouldRetryFalseAreNotRetried() {
        answer(400, "{\"error\":\"bad\"}");
        Transport t = transport(s -> s.maxRetries(2)).build();
        assertThatThrownBy(() -> t.post(uri("/"), json("{}"), false)).isInstanceOf(ProviderException.class);
        assertThat(seen).hasSize(1);

        answers.clear();
        seen.clear();
        answer(500, "{\"error\":\"no\"}", "x-should-retry", "false");
        assertThatThrownBy(() -> t.post(uri("/"), json("{}"), false)).isInstanceOf(ProviderException.class);
        assertThat(seen).hasSize(1);
    }

    @Test
    void refusedConnectionIsRetriedThenReportedWithoutTheQuery() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Transport t = transport(s -> s.maxRetries(1)).build();

        assertThatThrownBy(() -> t.post(URI.create("http://127.0.0.1:" + port + "/v1/x?key=" + KEY), json("{}"), false))
                .isInstanceOfSatisfying(TransportException.class, e -> {
                    assertThat(e.getMessage()).startsWith("POST http://127.0.0.1:" + port + "/v1/x: the connection failed: could not connect (")
                            .endsWith("(after 1 retry)").doesNotContain(KEY);
                    assertThat(e.isTimeout()).isFalse();
                });
        assertThat(waits).containsExactly(Duration.ofMillis(500));
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeout() {
        answer(0, "late");
        Transport t = transport(s -> s.timeout(Duration.ofMillis(300))).build();

        assertThatThrownBy(() -> t.post(uri("/v1/x"), json("{}"), false)).isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.isTimeout()).isTrue();
            assertThat(e.getMessage()).endsWith("/v1/x: no answer within 300 ms (timeout)");
        });
    }

    @Test
    void bodyThatStallsLongerThanTheReadTimeoutIsATimeout() {
        answer(-200, "{\"partial\":");
        Transport t = transport(s -> s.readTimeout(Duration.ofMillis(200))).build();
        Transport.Opened opened = t.post(uri("/"), json("{}"), false);

        long start = System.nanoTime();
        assertThatThrownBy(() -> t.readAll(opened)).isInstanceOfSatisfying(TransportException.class, e -> {
            assertThat(e.isTimeout()).isTrue();
            assertThat(e.getMessage()).contains("stalled for more than 200 ms (readTimeout)");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(opened.body().timedOut()).isTrue();
    }
}
