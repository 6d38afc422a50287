package dev.logprobs4j.server;

import static dev.logprobs4j.server.ErrorResponsesTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bytes and headers that are not what the API expects get a 4xx naming what was wrong, as OpenAI JSON. */
class StrictInputTest {

    static ScriptedModel model = new ScriptedModel(8);
    static LogprobsServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = LogprobsServer.builder().model(model).port(0).build().start();
        http = new Http(server, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Http.Reply postBytes(String path, byte[] body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("content-type", contentType);
        }
        return http.send(b);
    }

    static byte[] concat(String a, byte[] mid, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] z = b.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[x.length + mid.length + z.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(mid, 0, out, x.length, mid.length);
        System.arraycopy(z, 0, out, x.length + mid.length, z.length);
        return out;
    }

    /** Finding 5 of issue 11: the model saw '?' while echo returned the surrogate; now both ways in are refused. */
    @Test
    void loneSurrogatesAreRefusedNamingTheField() {
        String chat = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"A \\ud800 B\"}]}";
        Http.Reply r = http.post("/v1/chat/completions", chat);
        assertError(r, 400, "invalid_request_error", "messages[0].content", "invalid_value");
        assertThat(r.json().at("/error/message").asText()).contains("\\ud800").contains("character 2");
        assertError(http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"A \\udc00 B\",\"echo\":true}"),
                400, "invalid_request_error", "prompt", "invalid_value");
        assertError(http.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"x\\ud800\"}]}]}"), 400, "invalid_request_error", "messages[0].content[0].text", "invalid_value");
        // A pair is a character, and fine.
        assertThat(http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"A \\ud83d\\ude00 B\",\"echo\":true,\"max_tokens\":1}").status())
                .isEqualTo(200);
        // The raw bytes ED A0 80 (a surrogate in CESU-8) are not UTF-8.
        Http.Reply raw = postBytes("/v1/completions", concat("{\"model\":\"m\",\"prompt\":\"A ", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                " B\"}"), "application/json");
        assertError(raw, 400, "invalid_request_error", null, "invalid_encoding");
        assertThat(raw.json().at("/error/message").asText()).contains("offset 25").contains("surrogate");
    }

    @Test
    void invalidUtf8IsRefusedNamingTheByteOffset() {
        Http.Reply overlong = postBytes("/v1/completions", concat("{\"model\":\"m\",\"prompt\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"}"),
                "application/json");
        assertError(overlong, 400, "invalid_request_error", null, "invalid_encoding");
        assertThat(overlong.json().at("/error/message").asText()).contains("offset 23").contains("overlong");
        Http.Reply stray = postBytes("/v1/completions", concat("{\"model\":\"m\",\"prompt\":\"", new byte[] {(byte) 0x80}, "\"}"), null);
        assertError(stray, 400, "invalid_request_error", null, "invalid_encoding");
        Http.Reply cut = postBytes("/v1/completions", concat("{\"model\":\"m\",\"prompt\":\"", new byte[] {(byte) 0xE2, (byte) 0x82}, "\"}"), null);
        assertThat(cut.json().at("/error/message").asText()).contains("offset 23");
    }

    @Test
    void trailingDataAfterTheJsonIs400() {
        Http.Reply r = http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\"} {\"again\":1}");
        assertError(r, 400, "invalid_request_error", null, null);
        assertThat(r.json().at("/error/message").asText()).contains("more data after the JSON value");
        assertThat(http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":1}\n").status()).isEqualTo(200);
    }

    @Test
    void aWrongContentTypeIs415() {
        Http.Reply r = postBytes("/v1/chat/completions", "model=m".getBytes(StandardCharsets.US_ASCII), "application/x-www-form-urlencoded");
        assertError(r, 415, "invalid_request_error", null, "unsupported_media_type");
        assertThat(r.json().at("/error/message").asText()).contains("Content-Type: application/json");
        assertError(postBytes("/v1/chat/completions", "{}".getBytes(StandardCharsets.US_ASCII), "application/json; charset=latin1"),
                415, "invalid_request_error", null, "unsupported_media_type");
        assertThat(postBytes("/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":1}".getBytes(StandardCharsets.US_ASCII),
                "application/json; charset=UTF-8").status()).isEqualTo(200);
    }

    @Test
    void anyModelNameGetsTheServedModelNamedInTheAnswer() {
        Http.Reply r = http.post("/v1/chat/completions", "{\"model\":\"gpt-3.5-turbo-0125\",\"max_tokens\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("model").asText()).isEqualTo(ScriptedModel.NAME);
    }

    @Test
    void headWorksWhereGetDoes() {
        Http.Reply r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().body()).isEmpty();
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())).status()).isEqualTo(200);
    }

    @Test
    void jettysOwnErrorsAreOpenAiJson() throws IOException {
        for (String request : new String[] {
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",   // 431
            "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",                      // 414
            "GET /health HTTP/7.0\r\nHost: 127.0.0.1\r\n\r\n",                                          // 505 or 400
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n"}) {                          // 400
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(20_000);
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String reply = HostileClientsTest.readAll(s.getInputStream());
                assertThat(reply).as(reply).matches("(?s)HTTP/1\\.1 (400|414|431|505) .*");
                assertThat(reply.toLowerCase()).contains("content-type: application/json");
                String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
                assertThat(Http.JSON.readTree(body).at("/error/message").asText()).isNotBlank();
            }
        }
    }

    @Test
    void foreignHostAndOriginAre403() {
        Http.Reply rebound = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/models"))
                .header("Origin", "http://127.0.0.1:" + server.port()).GET());
        assertThat(rebound.status()).as("the server's own origin").isEqualTo(200);
        Http.Reply crossSite = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                .header("Origin", "https://evil.example").header("content-type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(ErrorResponsesTest.chat(""))));
        assertError(crossSite, 403, "invalid_request_error", null, "origin_not_allowed");
    }

    @Test
    void dnsRebindingHostIs403() throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("GET /v1/models HTTP/1.1\r\nHost: evil.example:8080\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String reply = HostileClientsTest.readAll(s.getInputStream());
            assertThat(reply).startsWith("HTTP/1.1 403");
            assertThat(reply).contains("host_not_allowed");
        }
    }

    @Test
    void unsupportedFieldsAre400NamingTheFieldButNeutralValuesPass() {
        for (String[] c : new String[][] {
            {"frequency_penalty", "0.5"}, {"presence_penalty", "-1"}, {"tools", "[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]"}}) {
            Http.Reply r = http.post("/v1/chat/completions", ErrorResponsesTest.chat(",\"" + c[0] + "\":" + c[1]));
            assertError(r, 400, "invalid_request_error", c[0], "unsupported_parameter");
            assertThat(r.json().at("/error/message").asText()).contains(c[0]);
        }
        // Text completions cannot produce JSON; chat completions enforce response_format (ResponseFormatServerTest).
        for (String[] c : new String[][] {{"best_of", "3"}, {"suffix", "\"end\""}, {"response_format", "{\"type\":\"json_object\"}"}}) {
            assertError(http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"" + c[0] + "\":" + c[1] + "}"),
                    400, "invalid_request_error", c[0], "unsupported_parameter");
        }
        // What LangChain and the openai package send by default.
        assertThat(http.post("/v1/chat/completions", ErrorResponsesTest.chat(",\"frequency_penalty\":0,\"presence_penalty\":0,"
                + "\"tools\":[],\"response_format\":{\"type\":\"text\"},\"max_tokens\":1")).status()).isEqualTo(200);
        assertThat(http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"best_of\":1,\"suffix\":\"\",\"max_tokens\":1}").status())
                .isEqualTo(200);
    }

    @Test
    void messagesSpeakOfTheRequestNotOfJava() {
        Http.Reply seed = http.post("/v1/chat/completions", ErrorResponsesTest.chat(",\"seed\":18446744073709551616"));
        assertError(seed, 400, "invalid_request_error", "seed", "invalid_value");
        assertThat(seed.json().at("/error/message").asText()).contains("out of range").doesNotContain("got an integer instead");
        Http.Reply part = http.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":7}]}]}");
        assertError(part, 400, "invalid_request_error", "messages[0].content[0].text", "invalid_type");
        assertThat(part.json().at("/error/message").asText()).contains("'messages[0].content[0].text'");
        // A top_p too small for a float keeps the most likely token, as it asks, instead of failing.
        assertThat(http.post("/v1/chat/completions", ErrorResponsesTest.chat(",\"top_p\":1e-320,\"temperature\":1,\"max_tokens\":2")).status())
                .isEqualTo(200);
    }

    @Test
    void maxTokensZeroWithEchoScoresThePromptOnly() {
        Http.Reply r = http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\" the cat sat\",\"echo\":true,\"max_tokens\":0,\"logprobs\":1}");
        assertThat(r.status()).as(r.raw().body()).isEqualTo(200);
        assertThat(r.json().at("/choices/0/text").asText()).isEqualTo(" the cat sat");
        assertThat(r.json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(r.json().at("/choices/0/logprobs/tokens").size()).isEqualTo(3);
        assertThat(r.json().at("/usage/completion_tokens").asInt()).isZero();
        assertThat(r.json().at("/usage/prompt_tokens").asInt()).isEqualTo(3);
        assertThat(model.tokensGenerated.get()).isGreaterThanOrEqualTo(0);
        assertError(http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\",\"max_tokens\":0}"),
                400, "invalid_request_error", "max_tokens", "invalid_value");
    }

    @Test
    void aListOfPromptsGetsChoicesInPromptOrder() {
        Http.Reply one = http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\" the dog\",\"max_tokens\":3,\"temperature\":0}");
        Http.Reply two = http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":[\" the cat\",\" the dog\"],\"n\":2,"
                + "\"max_tokens\":3,\"temperature\":0}");
        assertThat(two.status()).as(two.raw().body()).isEqualTo(200);
        assertThat(two.json().get("choices").size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(two.json().at("/choices/" + i + "/index").asInt()).isEqualTo(i);
        }
        assertThat(two.json().at("/choices/2/text").asText()).isEqualTo(one.json().at("/choices/0/text").asText());
        assertError(http.post("/v1/completions", "{\"model\":\"m\",\"prompt\":[\"a\",5]}"), 400, "invalid_request_error", "prompt[1]", "invalid_type");
    }
}
