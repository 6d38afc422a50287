package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every refusal comes as OpenAI's error JSON with the status OpenAI uses, naming the field at fault. */
class ErrorResponsesTest {

    static final String KEY = "sk-test-key";
    static ScriptedModel model = new ScriptedModel(8);
    static LogprobsServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = LogprobsServer.builder().model(model).port(0).apiKey(KEY).maxBodyBytes(4096).build().start();
        http = new Http(server, KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static void assertError(Http.Reply r, int status, String type, String param, String code) {
        assertThat(r.status()).as(r.raw().body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        JsonNode e = r.json().get("error");
        assertThat(Http.fieldNames(r.json())).containsExactly("error");
        assertThat(Http.fieldNames(e)).containsExactly("message", "type", "param", "code");
        assertThat(e.get("message").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(e.get("type").asText()).isEqualTo(type);
        assertThat(e.get("param").isNull() ? null : e.get("param").asText()).isEqualTo(param);
        assertThat(e.get("code").isNull() ? null : e.get("code").asText()).isEqualTo(code);
    }

    static String chat(String extra) {
        return "{\"model\":\"" + ScriptedModel.NAME + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
    }

    @Test
    void malformedJsonIs400() {
        assertError(http.post("/v1/chat/completions", "{\"model\": \"x\", "), 400, "invalid_request_error", null, null);
        assertError(http.post("/v1/chat/completions", "[1,2"), 400, "invalid_request_error", null, null);
    }

    @Test
    void unknownModelIs404ModelNotFoundWithStrictModel() {
        try (LogprobsServer strict = LogprobsServer.builder().model(model).port(0).strictModel(true).build().start()) {
            unknownModelIs404ModelNotFound(new Http(strict, null));
        }
    }

    private static void unknownModelIs404ModelNotFound(Http http) {
        Http.Reply r = http.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertError(r, 404, "invalid_request_error", "model", "model_not_found");
        assertThat(r.json().at("/error/message").asText()).contains("gpt-4o");
        assertError(http.post("/v1/completions", "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"x\"}"),
                404, "invalid_request_error", "model", "model_not_found");
        assertError(http.get("/v1/models/other"), 404, "invalid_request_error", null, "model_not_found");
    }

    @Test
    void topLogprobsWithoutLogprobsIs400() {
        assertError(http.post("/v1/chat/completions", chat(",\"top_logprobs\":3")), 400, "invalid_request_error", "top_logprobs", "invalid_value");
        assertError(http.post("/v1/chat/completions", chat(",\"logprobs\":false,\"top_logprobs\":3")), 400, "invalid_request_error", "top_logprobs", "invalid_value");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "top_logprobs | 21 | invalid_value",
        "top_logprobs | -1 | invalid_value",
        "temperature | 2.5 | invalid_value",
        "temperature | -0.1 | invalid_value",
        "top_p | 0 | invalid_value",
        "top_p | 1.5 | invalid_value",
        "max_tokens | 0 | invalid_value",
        "max_completion_tokens | -3 | invalid_value",
        "n | 0 | invalid_value",
        "n | 17 | invalid_value",
        "temperature | \"hot\" | invalid_type",
        "logprobs | \"yes\" | invalid_type",
        "max_tokens | 1.5 | invalid_type",
        "seed | \"x\" | invalid_type",
        "stream | 1 | invalid_type",
        "stop | [\"a\",\"b\",\"c\",\"d\",\"e\"] | array_above_max_length",
        "stop | 7 | invalid_type",
        "stop | \"\" | invalid_value",
        "messages | \"hi\" | invalid_type",
        "messages | [] | empty_array",
        "stream_options | {\"include_usage\":true} | invalid_value",
    })
    void outOfRangeOrWrongTypeIs400NamingTheField(String field, String value, String code) {
        String body = "{\"model\":\"" + ScriptedModel.NAME + "\",\"logprobs\":true,"
                + (field.equals("messages") ? "" : "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],")
                + "\"" + field + "\":" + value + "}";
        // A field given twice takes its last value (Jackson's default, as in JavaScript's JSON.parse).
        assertError(http.post("/v1/chat/completions", body), 400, "invalid_request_error", field, code);
    }

    @Test
    void badMessagesNameThePlace() {
        assertError(http.post("/v1/chat/completions", "{\"model\":\"" + ScriptedModel.NAME + "\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}"),
                400, "invalid_request_error", "messages[0].role", "invalid_value");
        assertError(http.post("/v1/chat/completions", "{\"model\":\"" + ScriptedModel.NAME
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}"),
                400, "invalid_request_error", "messages[0].content[0].type", "unsupported_content");
        assertError(http.post("/v1/chat/completions", "{\"model\":\"" + ScriptedModel.NAME + "\",\"messages\":[{\"role\":\"user\"}]}"),
                400, "invalid_request_error", "messages[0].content", "missing_required_parameter");
        assertError(http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                400, "invalid_request_error", "model", "missing_required_parameter");
    }

    @Test
    void completionsCheckTheirFields() {
        String base = "{\"model\":\"" + ScriptedModel.NAME + "\"";
        assertError(http.post("/v1/completions", base + "}"), 400, "invalid_request_error", "prompt", "missing_required_parameter");
        assertError(http.post("/v1/completions", base + ",\"prompt\":[1,2,3]}"), 400, "invalid_request_error", "prompt[0]", "invalid_type");
        assertError(http.post("/v1/completions", base + ",\"prompt\":\"x\",\"logprobs\":21}"), 400, "invalid_request_error", "logprobs", "invalid_value");
        assertError(http.post("/v1/completions", base + ",\"prompt\":\"x\",\"echo\":\"yes\"}"), 400, "invalid_request_error", "echo", "invalid_type");
    }

    @Test
    void oversizeBodyIs413() {
        String big = chat(",\"pad\":\"" + "x".repeat(5000) + "\"");
        assertError(http.post("/v1/chat/completions", big), 413, "invalid_request_error", null, "request_too_large");
    }

    @Test
    void missingOrWrongApiKeyIs401() {
        Http anonymous = new Http(server, null);
        assertError(anonymous.post("/v1/chat/completions", chat("")), 401, "invalid_request_error", null, "invalid_api_key");
        assertError(anonymous.get("/v1/models"), 401, "invalid_request_error", null, "invalid_api_key");
        Http wrong = new Http(server, KEY + "x");
        assertError(wrong.post("/v1/chat/completions", chat("")), 401, "invalid_request_error", null, "invalid_api_key");
        assertThat(anonymous.get("/health").status()).isEqualTo(200); // probes need no key
        assertThat(http.post("/v1/chat/completions", chat("")).status()).isEqualTo(200);
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Http.Reply r = http.get("/v1/chat/completions");
        assertError(r, 405, "invalid_request_error", null, "method_not_allowed");
        assertThat(r.header("allow")).isEqualTo("POST");
        Http.Reply m = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models"))
                .DELETE());
        assertError(m, 405, "invalid_request_error", null, "method_not_allowed");
        assertThat(m.header("allow")).isEqualTo("GET");
    }

    @Test
    void unknownPathIs404() {
        Http.Reply r = http.post("/v1/embeddings", "{}");
        assertError(r, 404, "invalid_request_error", null, "unknown_url");
        assertThat(r.json().at("/error/message").asText()).contains("POST /v1/embeddings");
        assertError(http.get("/"), 404, "invalid_request_error", null, "unknown_url");
    }

    @Test
    void fullQueueIs429AndSlowQueueIs503WithRetryAfter() throws Exception {
        ScriptedModel held = new ScriptedModel(3);
        CountDownLatch gate = new CountDownLatch(1);
        held.holdGenerations(gate);
        try (LogprobsServer small = LogprobsServer.builder().model(held).port(0).maxConcurrent(1).queueCapacity(1)
                .requestTimeout(Duration.ofSeconds(20)).build().start()) {
            Http h = new Http(small, null);
            List<CompletableFuture<Http.Reply>> running = new ArrayList<>();
            running.add(CompletableFuture.supplyAsync(() -> h.post("/v1/chat/completions", chat(""))));
            await(() -> held.sessions.get() == 1); // the slot is taken and the generation holds it
            running.add(CompletableFuture.supplyAsync(() -> h.post("/v1/chat/completions", chat(""))));
            await(() -> small.stats().queued() == 1); // the queue is full
            Http.Reply refused = h.post("/v1/chat/completions", chat(""));
            assertError(refused, 429, "requests", null, "rate_limit_exceeded");
            assertThat(refused.header("retry-after")).isNotNull();
            assertThat(small.stats().rejected()).isEqualTo(1);
            gate.countDown();
            for (CompletableFuture<Http.Reply> f : running) {
                assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
        ScriptedModel slow = new ScriptedModel(3);
        CountDownLatch never = new CountDownLatch(1);
        slow.holdGenerations(never);
        try (LogprobsServer tight = LogprobsServer.builder().model(slow).port(0).maxConcurrent(1).queueCapacity(4)
                .requestTimeout(Duration.ofMillis(1500)).build().start()) {
            Http h = new Http(tight, null);
            CompletableFuture<Http.Reply> holder = CompletableFuture.supplyAsync(() -> h.post("/v1/chat/completions", chat("")));
            await(() -> slow.sessions.get() == 1);
            Http.Reply waited = h.post("/v1/chat/completions", chat(""));
            assertError(waited, 503, "server_error", null, "overloaded");
            assertThat(waited.header("retry-after")).isNotNull();
            never.countDown();
            holder.get(30, TimeUnit.SECONDS);
        }
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached in 20 s");
            }
            Thread.sleep(5);
        }
    }
}
