package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TransportException;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.testkit.Reply;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every failure has its own exception type and a message that says what happened. */
class ErrorHandlingTest {

    private final OpenAiServer server = new OpenAiServer();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        server.close();
    }

    private ChatModel llm() {
        return server.model().sleeper(waits::add).build().bind(ChatOptions.builder().logprobs(true).build());
    }

    @Test
    void invalidRequestBecomesProviderExceptionWithTheErrorObjectsFields() {
        server.reply(OpenAiServer.fixture(400, "error-400.json"));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> llm().invoke("hi"));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        assertThat(e.code()).isEqualTo("integer_above_max_value");
        assertThat(e.param()).isEqualTo("top_logprobs");
        assertThat(e.providerMessage()).isEqualTo(Fixtures.tree("error-400.json").get("error").get("message").asText());
        assertThat(e.body()).isEqualTo(Fixtures.text("error-400.json"));
        assertThat(e.getMessage()).isEqualTo("provider answered HTTP 400 (invalid_request_error, code integer_above_max_value)"
                + " about 'top_logprobs': Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 21 instead.");
        assertThat(server.requests()).hasSize(1); // 400 is not retried
        assertThat(waits).isEmpty();
    }

    @Test
    void rateLimitIsRetriedAfterTheAskedWaitThenSucceeds() {
        server.reply(OpenAiServer.fixture(429, "error-429.json").withHeader("retry-after-ms", "150").withHeader("retry-after", "20"));
        server.replyFixture("reference-logprobs.json");
        // The real sleeper: the wait must really happen between the two requests.
        ChatModel llm = server.model().build();

        assertThat(llm.invoke("Hello!").content()).isEqualTo("Hello! How can I assist you today?");

        assertThat(server.requests()).hasSize(2);
        long gapMillis = TimeUnit.NANOSECONDS.toMillis(server.requests().get(1).atNanos() - server.requests().get(0).atNanos());
        assertThat(gapMillis).isGreaterThanOrEqualTo(150).isLessThan(5_000);
        assertThat(server.requests().get(1).bodyText()).isEqualTo(server.requests().get(0).bodyText());
    }

    @Test
    void retryAfterSecondsAndHttpDatesAreHonoured() {
        server.reply(OpenAiServer.fixture(429, "error-429.json").withHeader("retry-after", "2"));
        server.reply(OpenAiServer.fixture(429, "error-429.json").withHeader("retry-after", "Wed, 21 Oct 2015 07:28:03 GMT"));
        server.replyFixture("reference-logprobs.json");
        ChatModel llm = server.model().sleeper(waits::add)
                .clock(java.time.Clock.fixed(java.time.Instant.parse("2015-10-21T07:28:00Z"), java.time.ZoneOffset.UTC)).build();

        llm.invoke("Hello!");

        assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(3));
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void serverErrorsAreRetriedTwiceWithBackoffThenReported() {
        for (int i = 0; i < 3; i++) {
            server.reply(OpenAiServer.fixture(500, "error-500.json"));
        }

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> llm().invoke("hi"));

        assertThat(server.requests()).hasSize(3); // maxRetries defaults to 2
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isBetween(Duration.ofMillis(375), Duration.ofMillis(500)); // 0.5 s less up to 25 % jitter
        assertThat(waits.get(1)).isBetween(Duration.ofMillis(750), Duration.ofMillis(1000));
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.type()).isEqualTo("server_error");
        assertThat(e.getMessage()).isEqualTo("provider answered HTTP 500 (server_error): The server had an error while"
                + " processing your request. Sorry about that! (after 2 retries)");
    }

    @Test
    void serverErrorThenSuccessNeedsOneRetry() {
        server.reply(OpenAiServer.fixture(500, "error-500.json"));
        server.replyFixture("reference-logprobs.json");

        assertThat(llm().invoke("Hello!").logprobs().size()).isEqualTo(9);
        assertThat(server.requests()).hasSize(2);
        assertThat(waits).hasSize(1);
    }

    @Test
    void shouldRetryHeaderFalseStopsRetryingAndTrueForcesIt() {
        server.reply(OpenAiServer.fixture(500, "error-500.json").withHeader("x-should-retry", "false"));
        assertThatThrownBy(() -> llm().invoke("hi")).isInstanceOf(ProviderException.class);
        assertThat(server.requests()).hasSize(1);

        server.reply(OpenAiServer.fixture(400, "error-400.json").withHeader("x-should-retry", "true"));
        server.replyFixture("reference-logprobs.json");
        assertThat(llm().invoke("hi").content()).isEqualTo("Hello! How can I assist you today?");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void nonJsonErrorBodyBecomesProviderExceptionWithTheText() {
        server.reply(OpenAiServer.fixture(502, "error-502.html"));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> server.model().maxRetries(0).build().invoke("hi"));

        assertThat(e.status()).isEqualTo(502);
        assertThat(e.type()).isNull();
        assertThat(e.body()).isEqualTo(Fixtures.text("error-502.html"));
        assertThat(e.getMessage()).startsWith("provider answered HTTP 502: <html>").contains("502 Bad Gateway").contains("nginx");
    }

    @Test
    void streamCutBeforeDoneIsIncompleteAndCarriesTheChunksReceived() {
        server.reply(OpenAiServer.eventByEvent(OpenAiServer.fixture(200, "stream-cut.sse")));
        List<AIMessageChunk> seen = new ArrayList<>();

        IncompleteStreamException e = catchThrowableOfType(IncompleteStreamException.class, () -> {
            try (ChatStream s = llm().stream("how are you today")) {
                s.forEach(seen::add);
            }
        });

        assertThat(e.getMessage()).isEqualTo("the stream ended after 4 events (" + Fixtures.bytes("stream-cut.sse").length
                + " bytes) without 'data: [DONE]': the connection was cut or the server stopped mid-answer");
        assertThat(e.chunksReceived()).isEqualTo(4);
        assertThat(seen).hasSize(4);
        assertThat(e.partial().content()).isEqualTo("I'm just");
        assertThat(e.partial().logprobs().size()).isEqualTo(3);
        assertThat(e.partial().logprobs().content().get(2).logprob()).isEqualTo(-0.23778509);
        assertThat(server.requests()).hasSize(1); // a stream is never retried
    }

    @Test
    void malformedJsonInAChunkNamesTheEventAndCarriesThePartial() {
        server.replyFixture("stream-malformed-json.sse");

        MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class,
                () -> llm().stream("how are you today").aggregate());

        assertThat(e.getMessage()).startsWith("event 4 of the stream is not valid JSON: Unexpected character (',' (code 44))");
        assertThat(e.location()).startsWith("$.choices[0].logprobs.content[0]").contains("(character ");
        assertThat(e.chunksReceived()).isEqualTo(3);
        assertThat(e.partial().content()).isEqualTo("I'm");
        assertThat(e.partial().logprobs().size()).isEqualTo(2);
    }

    @Test
    void wrongTypeInAChunkNamesTheJsonPath() {
        server.replyFixture("stream-wrong-type.sse");

        MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class,
                () -> llm().stream("how are you today").aggregate());

        assertThat(e.location()).isEqualTo("$.choices[0].logprobs.content[0].logprob");
        assertThat(e.getMessage()).isEqualTo("event 4 of the stream is not a valid chat completion: expected a number,"
                + " found the string \"-0.23778509\" at $.choices[0].logprobs.content[0].logprob");
        assertThat(e.partial().logprobs().size()).isEqualTo(2);
    }

    @Test
    void malformedSseNamesTheByteOffset() {
        server.replyFixture("stream-malformed-sse.sse");
        String fixture = Fixtures.text("stream-malformed-sse.sse");
        int offset = fixture.indexOf("\n{") + 1; // the bare JSON line (ASCII up to there, so chars = bytes)

        MalformedResponseException e = catchThrowableOfType(MalformedResponseException.class,
                () -> llm().stream("how are you today").aggregate());

        assertThat(e.location()).isEqualTo("byte " + offset + " of the stream");
        assertThat(e.getMessage()).startsWith("the stream is not a server-sent event stream: expected a line starting with"
                + " 'data:', 'event:', 'id:', 'retry:' or ':', found '{\"id\":\"chatcmpl-guide-stream\"");
        assertThat(e.chunksReceived()).isEqualTo(3);
        assertThat(e.partial().content()).isEqualTo("I'm");
    }

    @Test
    void errorEventInsideAStreamBecomesProviderException() {
        server.replyFixture("stream-error-event.sse");
        List<AIMessageChunk> seen = new ArrayList<>();

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> {
            try (ChatStream s = llm().stream("how are you today")) {
                s.forEach(seen::add);
            }
        });

        assertThat(e.status()).isZero();
        assertThat(e.type()).isEqualTo("server_error");
        assertThat(e.getMessage()).isEqualTo("provider answered HTTP 0 (server_error): The server had an error while processing"
                + " your request. Sorry about that!");
        assertThat(seen).hasSize(3);
    }

    @Test
    void connectionRefusedIsATransportExceptionAfterRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ChatModel llm = OpenAiChatModel.builder().model("m").baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-x-12345")
                .sleeper(waits::add).build();

        TransportException e = catchThrowableOfType(TransportException.class, () -> llm.invoke("hi"));

        assertThat(e.isTimeout()).isFalse();
        assertThat(e.getMessage()).startsWith("POST http://127.0.0.1:" + port + "/v1/chat/completions: the connection failed:")
                .endsWith("(after 2 retries)");
        assertThat(waits).hasSize(2);
    }

    @Test
    void noAnswerInTimeIsATransportTimeout() {
        server.reply(OpenAiServer.fixture(200, "reference-logprobs.json").delay(3_000));
        ChatModel llm = server.model().timeout(Duration.ofMillis(200)).maxRetries(0).build();

        TransportException e = catchThrowableOfType(TransportException.class, () -> llm.invoke("hi"));

        assertThat(e.isTimeout()).isTrue();
        assertThat(e.getMessage()).isEqualTo("POST " + server.baseUrl() + "/chat/completions: no answer within 200 ms (timeout)");
    }

    @Test
    void stalledStreamIsIncompleteWithATimeoutCause() {
        server.reply(OpenAiServer.fixture(200, "stream-cut.sse").stallAfterBody(5_000));
        ChatModel llm = server.model().readTimeout(Duration.ofMillis(300)).build().bind(ChatOptions.builder().logprobs(true).build());

        IncompleteStreamException e = catchThrowableOfType(IncompleteStreamException.class, () -> llm.stream("hi").aggregate());

        assertThat(e.getMessage()).isEqualTo("the stream stalled: no data for 300 ms (readTimeout) after 4 events; the connection was closed");
        assertThat(e.getCause()).isInstanceOf(TransportException.class);
        assertThat(((TransportException) e.getCause()).isTimeout()).isTrue();
        assertThat(e.partial().content()).isEqualTo("I'm just");
    }

    @Test
    void closingAStreamClosesTheConnection() throws Exception {
        server.reply(OpenAiServer.fixture(200, "stream-cut.sse").holdOpen());
        ChatStream stream = llm().stream("hi");
        Iterator<AIMessageChunk> it = stream.iterator();
        assertThat(it.next().logprobs().content()).isEmpty();

        stream.close();

        assertThat(server.clientGone(java.time.Duration.ofSeconds(5))).as("the server saw the client go away").isTrue();
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void logprobsFromAModelWithoutThemFailBeforeAnyRequest() {
        ChatModel noLogprobs = server.model().capabilities(Capabilities.NONE).build();

        assertThatThrownBy(() -> noLogprobs.invoke(List.of(dev.logprobs4j.Message.human("hi")), ChatOptions.builder().logprobs(true).build()))
                .isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessage("gpt-4o-mini does not return logprobs; remove logprobs(true) or choose a provider that has them (see capabilities())");
        ChatModel noStreamingLogprobs = server.model().capabilities(new Capabilities(true, 5, false, false)).build()
                .bind(ChatOptions.builder().logprobs(true).build());
        assertThatThrownBy(() -> noStreamingLogprobs.stream("hi"))
                .isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessage("gpt-4o-mini returns logprobs only without streaming; call invoke(...) instead of stream(...)");
        assertThatThrownBy(() -> noStreamingLogprobs.invoke(List.of(dev.logprobs4j.Message.human("hi")),
                ChatOptions.builder().topLogprobs(6).build()))
                .isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessage("gpt-4o-mini returns at most 5 top logprobs per token; topLogprobs(6) asks for more");

        assertThat(server.requests()).isEmpty();
    }

    @Test
    void keyEchoedByAServerIsScrubbedFromTheException() {
        server.reply(Reply.of(401, "application/json", ("{\"error\":{\"message\":\"Incorrect API key provided: sk-test-SECRET-1234.\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}").getBytes()));

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> llm().invoke("hi"));

        assertThat(e.getMessage()).isEqualTo("provider answered HTTP 401 (invalid_request_error, code invalid_api_key):"
                + " Incorrect API key provided: ***.");
        assertThat(e.body()).doesNotContain("SECRET");
    }
}
