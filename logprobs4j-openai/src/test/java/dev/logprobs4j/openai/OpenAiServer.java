package dev.logprobs4j.openai;

import dev.logprobs4j.testkit.RecordedRequest;
import dev.logprobs4j.testkit.ReplayServer;
import dev.logprobs4j.testkit.Reply;
import java.time.Duration;
import java.util.List;

/**
 * testkit's {@link ReplayServer} as the OpenAI tests use it: replies queued for whatever endpoint
 * the model calls (Chat Completions, Completions, Responses, Azure deployments), fixtures from this
 * module's resources, and a model builder pointed at it with a test key.
 */
final class OpenAiServer implements AutoCloseable {

    private final ReplayServer replay = ReplayServer.start();

    /** The base URL, e.g. {@code http://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return replay.baseUrl() + "/v1";
    }

    /** Queues the answer to the next request. */
    OpenAiServer reply(Reply reply) {
        replay.enqueue(reply);
        return this;
    }

    /** Queues a fixture file as a 200 answer with the content type its extension implies. */
    OpenAiServer replyFixture(String name) {
        return reply(fixture(200, name));
    }

    /** A fixture file as an answer with this status and the content type its extension implies. */
    static Reply fixture(int status, String name) {
        return Reply.of(status, name.endsWith(".sse") ? "text/event-stream; charset=utf-8"
                : name.endsWith(".json") ? "application/json" : "text/html", Fixtures.bytes(name));
    }

    /** {@code fixture} sent one server-sent event per flushed write (the bytes stay the same). */
    static Reply eventByEvent(Reply fixture) {
        return fixture.withChunking(Reply.Chunking.PER_EVENT);
    }

    List<RecordedRequest> requests() {
        return replay.requests();
    }

    RecordedRequest onlyRequest() {
        return replay.onlyRequest();
    }

    boolean clientGone(Duration within) throws InterruptedException {
        return replay.awaitClientGone(within);
    }

    /** A model pointing at this server with a test key and no environment variables. */
    OpenAiChatModel.Builder model() {
        return OpenAiChatModel.builder().model("gpt-4o-mini").baseUrl(baseUrl()).apiKey("sk-test-SECRET-1234")
                .env(name -> null);
    }

    @Override
    public void close() {
        replay.close();
    }
}
