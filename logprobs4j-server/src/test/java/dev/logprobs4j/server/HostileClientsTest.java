package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Clients that try to take the server's capacity: slow bodies, dripped headers, streams nobody
 * reads, malformed chunked bodies. Each test reproduces a finding of issue 11 (loopback only,
 * bounded in count and time).
 */
class HostileClientsTest {

    static final String CHAT = "{\"model\":\"" + ScriptedModel.NAME + "\",\"max_tokens\":5,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** Headers promising a 100-byte body, and 10 bytes of it. */
    static Socket slowBody(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** Acceptance 2 of issue 11: 500 slow bodies open, /health answers within 1 s throughout and a chat completes. */
    @Test
    void slowBodiesLeaveHealthAndChatAnswering() throws Exception {
        ScriptedModel model = new ScriptedModel(5);
        try (LogprobsServer server = LogprobsServer.builder().model(model).port(0).build().start()) {
            List<Socket> slow = new ArrayList<>();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try {
                for (int i = 0; i < 500; i++) {
                    slow.add(slowBody(server.port()));
                    if (i % 100 == 99) {
                        assertThat(health(client, server)).as("after %d slow bodies", i + 1).isEqualTo(200);
                    }
                }
                for (int i = 0; i < 3; i++) {
                    assertThat(health(client, server)).isEqualTo(200);
                }
                Http.Reply chat = new Http(server, null).post("/v1/chat/completions", CHAT);
                assertThat(chat.status()).isEqualTo(200);
                assertThat(chat.json().at("/choices/0/message/content").asText()).isNotEmpty();
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
            assertThat(health(client, server)).isEqualTo(200);
        }
    }

    private static int health(HttpClient client, LogprobsServer server) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                .timeout(Duration.ofSeconds(1)).build();
        return client.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void slowBodyGets408AfterTheBodyTimeoutAndFewLogLines() throws Exception {
        ScriptedModel model = new ScriptedModel(5);
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger("dev.logprobs4j.server");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try (LogprobsServer server = LogprobsServer.builder().model(model).port(0).bodyTimeout(Duration.ofMillis(500)).build().start()) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                slow.add(slowBody(server.port()));
            }
            for (Socket s : slow) {
                s.setSoTimeout(20_000);
                String reply = readAll(s.getInputStream());
                assertThat(reply).startsWith("HTTP/1.1 408");
                assertThat(reply).contains("\"code\":\"request_timeout\"");
                s.close();
            }
            // One line for the first, then at most one a second, each counting the ones dropped.
            assertThat(logged).hasSizeLessThanOrEqualTo(4);
            assertThat(logged).allSatisfy(r -> assertThat(r.getThrown()).isNull());
            assertThat(logged.get(0).getMessage()).contains("408");
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void drippedHeadersAreCutAtTheHeaderTimeout() throws Exception {
        ScriptedModel model = new ScriptedModel(5);
        try (LogprobsServer server = LogprobsServer.builder().model(model).port(0).headerTimeout(Duration.ofMillis(500)).build().start();
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Dripping a header byte now and then would reset an idle timeout; the header deadline does not move.
            long end = System.nanoTime() + 20_000_000_000L;
            boolean closed = false;
            while (!closed && System.nanoTime() < end) {
                try {
                    out.write('X');
                    out.flush();
                    Thread.sleep(100);
                    s.setSoTimeout(1);
                    closed = s.getInputStream().read() < 0;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // nothing to read yet
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("the server closed the connection").isTrue();
        }
    }

    /** Acceptance 3 of issue 11: two clients that never read do not keep the two generation slots. */
    @Test
    void stalledReadersAreCancelledAndOthersComplete() throws Exception {
        ScriptedModel model = new ScriptedModel(DisconnectAndConcurrencyTest.ENDLESS);
        try (LogprobsServer server = LogprobsServer.builder().model(model).port(0).maxConcurrent(2)
                .writeTimeout(Duration.ofMillis(500)).build().start()) {
            List<Socket> stalled = new ArrayList<>();
            try {
                String body = "{\"model\":\"" + ScriptedModel.NAME + "\",\"stream\":true,\"logprobs\":true,\"top_logprobs\":5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"go on forever\"}]}";
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096);
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
                    s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    stalled.add(s); // and never read
                }
                ErrorResponsesTest.await(() -> model.sessions.get() == 2);
                Http.Reply other = new Http(server, null).post("/v1/chat/completions", CHAT);
                assertThat(other.status()).isEqualTo(200);
                ErrorResponsesTest.await(() -> model.closedEarly.get() == 2);
                ErrorResponsesTest.await(() -> server.stats().generationsCancelled() == 2);
                assertThat(server.stats().generationsCompleted()).isEqualTo(1);
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    /** A non-streamed answer sends nothing until it is done; the idle timeout must not cut it (only the request timeout may). */
    @Test
    void aGenerationLongerThanTheIdleTimeoutCompletes() throws Exception {
        ScriptedModel model = new ScriptedModel(5);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        model.holdGenerations(gate);
        try (LogprobsServer server = LogprobsServer.builder().model(model).port(0).idleTimeout(Duration.ofMillis(500)).build().start();
             Socket s = new Socket("127.0.0.1", server.port())) {
            // One write right after connecting: the request itself is never idle.
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\nContent-Length: " + CHAT.length() + "\r\n\r\n" + CHAT).getBytes(StandardCharsets.US_ASCII));
            ErrorResponsesTest.await(() -> model.sessions.get() == 1);
            Thread.sleep(2_000); // four idle timeouts pass while the generation holds
            gate.countDown();
            s.setSoTimeout(20_000);
            String reply = readAll(s.getInputStream());
            assertThat(reply).startsWith("HTTP/1.1 200");
            assertThat(reply).contains("\"finish_reason\"");
        }
    }

    @Test
    void malformedChunkSizeGets400() throws Exception {
        try (LogprobsServer server = LogprobsServer.builder().model(new ScriptedModel(5)).port(0).build().start();
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{\"model\":1}\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = readAll(s.getInputStream());
            assertThat(reply).startsWith("HTTP/1.1 400");
            JsonNode error = Http.JSON.readTree(reply.substring(reply.indexOf("\r\n\r\n") + 4)).get("error");
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    /** What the server sent until it closed the connection (or 20 s passed). */
    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the answer: what arrived is the answer
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
