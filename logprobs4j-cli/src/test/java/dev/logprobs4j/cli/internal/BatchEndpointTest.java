package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.logprobs4j.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code batch --provider openai}: what goes over the wire, the retry rules and the concurrency bound. */
class BatchEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void linesArePostedWithTheModelAndKeyRetriedOn429AndBoundedInFlight() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> auth = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/", exchange -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            boolean counted = true;
            try {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                JsonNode req = JSON.readTree(body);
                String key = exchange.getRequestURI().getPath() + " " + req.path("messages").path(0).path("content").asText()
                        + req.path("prompt").asText();
                int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                bodies.add(body);
                auth.add(exchange.getRequestHeaders().getFirst("authorization"));
                Thread.sleep(20);
                byte[] out;
                int status;
                if (key.contains("refuse")) {
                    status = 400;
                    out = "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"x\"}}".getBytes(StandardCharsets.UTF_8);
                } else if (attempt == 1) {
                    status = 429; // every request is refused once: the batch must retry it
                    exchange.getResponseHeaders().add("retry-after-ms", "5");
                    out = "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\",\"param\":null,\"code\":null}}".getBytes(StandardCharsets.UTF_8);
                } else {
                    status = 200;
                    out = ("{\"id\":\"x\",\"object\":\"chat.completion\",\"echo\":" + JSON.writeValueAsString(key)
                            + ",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}").getBytes(StandardCharsets.UTF_8);
                }
                exchange.getResponseHeaders().add("content-type", "application/json");
                // Counted out before answering: once the client has the answer it may send its next
                // request, whose handler can start before this one's finally has run.
                inFlight.decrementAndGet();
                counted = false;
                exchange.sendResponseHeaders(status, out.length);
                exchange.getResponseBody().write(out);
                exchange.close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                if (counted) {
                    inFlight.decrementAndGet();
                }
            }
        });
        server.start();
        try {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                lines.add("{\"custom_id\":\"c" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi " + i + "\"}]}}");
            }
            lines.add("{\"custom_id\":\"p\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":{\"model\":\"m\",\"prompt\":\"refuse\"}}");
            lines.add("{\"custom_id\":\"s\",\"text\":\"scoring needs the local engine\"}");
            Path in = dir.resolve("in.jsonl");
            Path out = dir.resolve("out.jsonl");
            Files.write(in, lines);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Map<String, String> env = Map.of();
            Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), env, new Terminal(false, false), new Backends(env));
            int code = Main.run(new String[] {"batch", in.toString(), "-o", out.toString(), "--provider", "openai", "--base-url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "--api-key", "sk-test", "--model", "served",
                    "--concurrency", "3"}, io);
            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(1);

            Map<String, JsonNode> byId = new java.util.HashMap<>();
            for (String l : Files.readAllLines(out)) {
                JsonNode n = JSON.readTree(l);
                byId.put(n.get("custom_id").asText(), n);
            }
            assertThat(byId).hasSize(22);
            for (int i = 0; i < 20; i++) {
                JsonNode r = byId.get("c" + i).get("response");
                assertThat(r.get("status_code").asInt()).isEqualTo(200);
                assertThat(r.get("body").get("echo").asText()).isEqualTo("/v1/chat/completions hi " + i);
                assertThat(attempts.get("/v1/chat/completions hi " + i).get()).isEqualTo(2);
            }
            assertThat(byId.get("p").get("response").get("status_code").asInt()).isEqualTo(400); // not retried
            assertThat(attempts.get("/v1/completions refuse").get()).isEqualTo(1);
            assertThat(byId.get("s").get("response").get("status_code").asInt()).isEqualTo(400);
            assertThat(byId.get("s").get("response").get("body").get("error").get("message").asText()).contains("--provider local");
            assertThat(bodies).allSatisfy(b -> assertThat(JSON.readTree(b).get("model").asText()).isEqualTo("served"));
            assertThat(auth).containsOnly("Bearer sk-test");
            assertThat(maxInFlight.get()).isBetween(1, 3);
        } finally {
            server.stop(0);
        }
    }
}
