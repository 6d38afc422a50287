package dev.logprobs4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplayServerTest {

    private final ReplayServer server = ReplayServer.start();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void close() {
        server.close();
    }

    private HttpResponse<byte[]> post(String pathAndQuery, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                .header("Authorization", "Bearer k1")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void servesTheFixtureByteForByteIncludingInvalidUtf8() throws Exception {
        byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}', '\n'};
        server.route("POST", "/x", Reply.json(body));

        HttpResponse<byte[]> r = post("/x", "{}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    }

    @Test
    void recordsMethodPathQueryHeadersAndBody() throws Exception {
        server.route("POST", "/v1beta/models/m:generateContent", Reply.json(new byte[] {'{', '}'}));

        post("/v1beta/models/m:generateContent?key=abc%20d&alt=sse", "{\"q\":1}");

        RecordedRequest r = server.onlyRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v1beta/models/m:generateContent");
        assertThat(r.query()).isEqualTo("key=abc%20d&alt=sse");
        assertThat(r.queryParam("key")).isEqualTo("abc d");
        assertThat(r.queryParam("alt")).isEqualTo("sse");
        assertThat(r.queryParam("missing")).isNull();
        assertThat(r.header("AUTHORIZATION")).isEqualTo("Bearer k1");
        assertThat(r.bodyText()).isEqualTo("{\"q\":1}");
    }

    @Test
    void repliesInTurnAndRepeatsTheLastWithStatusAndRetryAfter() throws Exception {
        server.route("POST", "/r",
                Reply.of(429, "application/json", "{\"error\":\"slow down\"}").withHeader("Retry-After", "7"),
                Reply.of(200, "application/json", "{\"ok\":true}"));

        HttpResponse<byte[]> first = post("/r", "");
        HttpResponse<byte[]> second = post("/r", "");
        HttpResponse<byte[]> third = post("/r", "");

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("retry-after")).hasValue("7");
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"slow down\"}");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void streamsLinesWithChunkedTransferEncoding() throws Exception {
        byte[] body = "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n".getBytes(StandardCharsets.UTF_8);
        server.route("POST", "/s", Reply.streamed("application/x-ndjson", body));

        HttpResponse<byte[]> r = post("/s", "");

        assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(r.headers().firstValueAsLong("content-length")).isEmpty();
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void cutStreamDeliversThePrefixThenFailsTheRead() throws Exception {
        byte[] body = "line1\nline2\nline3\n".getBytes(StandardCharsets.UTF_8);
        server.route("POST", "/cut", Reply.streamed("text/event-stream", body).cutAfterLines(2));

        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/cut"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = r.body();
        byte[] prefix = in.readNBytes(12);

        assertThat(new String(prefix, StandardCharsets.UTF_8)).isEqualTo("line1\nline2\n");
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }

    @Test
    void cutFixedLengthBodyFailsTheClientRead() throws Exception {
        server.route("POST", "/cut", Reply.json("{\"a\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8)).cutAfter(5));

        assertThatThrownBy(() -> post("/cut", "")).isInstanceOf(IOException.class);
    }

    @Test
    void unknownRouteAnswers404NamingThePathAndIsRecorded() throws Exception {
        HttpResponse<byte[]> r = post("/nowhere", "");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("/nowhere");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void cutAfterLinesRejectsMoreLinesThanTheBodyHas() {
        Reply reply = Reply.streamed("text/plain", "a\nb\n".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> reply.cutAfterLines(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only 2 lines");
    }

    @Test
    void queuedRepliesAnswerAnyPathWithoutARouteEachOnceThenTheLastRepeats() throws Exception {
        server.route("POST", "/routed", Reply.of(200, "text/plain", "routed"));
        server.enqueue(Reply.of(500, "text/plain", "first"));

        assertThat(new String(post("/any/path?api-version=1", "{}").body(), StandardCharsets.UTF_8)).isEqualTo("first");
        server.enqueue(Reply.of(200, "text/plain", "second"), Reply.of(200, "text/plain", "third"));
        assertThat(new String(post("/routed", "{}").body(), StandardCharsets.UTF_8)).isEqualTo("routed");
        assertThat(new String(post("/other", "{}").body(), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(new String(post("/other", "{}").body(), StandardCharsets.UTF_8)).isEqualTo("third");
        assertThat(new String(post("/other", "{}").body(), StandardCharsets.UTF_8)).isEqualTo("third");
        assertThat(server.requests()).extracting(RecordedRequest::uri)
                .containsExactly("/any/path?api-version=1", "/routed", "/other", "/other", "/other");
    }

    @Test
    void perEventChunkingSendsTheSameBytes() throws Exception {
        byte[] sse = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        server.route("POST", "/s", Reply.streamed("text/event-stream", sse).withChunking(Reply.Chunking.PER_EVENT));

        assertThat(post("/s", "{}").body()).isEqualTo(sse);
    }
}
