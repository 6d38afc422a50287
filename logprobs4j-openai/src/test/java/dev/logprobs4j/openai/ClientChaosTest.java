package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.IncompleteStreamException;
import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.Message;
import dev.logprobs4j.TransportException;
import dev.logprobs4j.testkit.ChaosServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The streaming client against servers that misbehave on the wire (testkit's {@link ChaosServer},
 * loopback): each case ends in a documented {@link LogprobsException} within the configured read
 * timeout, carrying what arrived before, or, for a slow but correct server, in the whole answer.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientChaosTest {

    static final String SSE = "text/event-stream";
    static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    static final byte[] STREAM = Fixtures.bytes("guide-stream.sse");
    static final List<Message> MESSAGES = List.of(Message.human("how are you today?"));
    static final ChatOptions OPTIONS = ChatOptions.builder().logprobs(true).topLogprobs(2).build();

    /** The first {@code n} events of the guide's stream. */
    static byte[] firstEvents(int n) {
        String all = new String(STREAM, StandardCharsets.UTF_8);
        int end = 0;
        for (int i = 0; i < n; i++) {
            end = all.indexOf("\n\n", end) + 2;
        }
        return all.substring(0, end).getBytes(StandardCharsets.UTF_8);
    }

    static ChatModel model(ChaosServer server) {
        return OpenAiChatModel.builder().model("gpt-4o-mini").apiKey("sk-chaos").baseUrl(server.baseUrl() + "/v1")
                .readTimeout(READ_TIMEOUT).maxRetries(0).build();
    }

    /** What the client makes of the whole stream from a well-behaved server. */
    static AIMessageChunk whole() {
        try (ChaosServer server = ChaosServer.start(ChaosServer.drip(SSE, STREAM, STREAM.length, Duration.ZERO))) {
            return model(server).stream(MESSAGES, OPTIONS).aggregate();
        }
    }

    static <T extends LogprobsException> T streamFails(ChaosServer server, Class<T> type) {
        return catchThrowableOfType(type, () -> {
            try (ChatStream s = model(server).stream(MESSAGES, OPTIONS)) {
                for (AIMessageChunk ignored : s) {
                    // read on until it fails
                }
            }
        });
    }

    @Test
    void aServerDrippingOneByteAtATimeGivesTheWholeAnswer() {
        AIMessageChunk expected = whole();
        try (ChaosServer server = ChaosServer.start(ChaosServer.drip(SSE, STREAM, 512, Duration.ofMillis(1)))) {
            AIMessageChunk got = model(server).stream(MESSAGES, OPTIONS).aggregate();
            assertThat(got.content()).isEqualTo(expected.content()).isNotEmpty();
            assertThat(got.logprobs()).isEqualTo(expected.logprobs());
        }
    }

    @Test
    void aDripSlowerThanTheReadTimeoutEndsAsAStall() {
        byte[] prefix = firstEvents(2);
        byte[] slow = Arrays.copyOf(prefix, prefix.length + 1);
        slow[prefix.length] = 'd'; // the next event starts, then the drip pauses past the read timeout
        try (ChaosServer server = ChaosServer.start(ChaosServer.drip(SSE, slow, slow.length, READ_TIMEOUT.multipliedBy(4)))) {
            IncompleteStreamException e = streamFails(server, IncompleteStreamException.class);
            assertThat(e.getMessage()).contains("readTimeout");
            assertThat(e.partial().content()).isEqualTo("I");
        }
    }

    @Test
    void aStalledServerEndsInIncompleteStreamWithThePartialAnswer() {
        try (ChaosServer server = ChaosServer.start(ChaosServer.stallAfter(SSE, firstEvents(3)))) {
            IncompleteStreamException e = streamFails(server, IncompleteStreamException.class);
            assertThat(e.getMessage()).contains("stalled", "readTimeout");
            assertThat(e.getCause()).isInstanceOf(TransportException.class);
            assertThat(e.partial().content()).isEqualTo("I'm");
            assertThat(e.partial().logprobs().size()).isEqualTo(2);
            assertThat(e.chunksReceived()).isPositive();
        }
    }

    @Test
    void aResetConnectionEndsInIncompleteStreamWithThePartialAnswer() {
        try (ChaosServer server = ChaosServer.start(ChaosServer.resetAfter(SSE, firstEvents(3)))) {
            IncompleteStreamException e = streamFails(server, IncompleteStreamException.class);
            assertThat(e.partial().content()).isEqualTo("I'm");
            assertThat(e.partial().logprobs().size()).isEqualTo(2);
        }
    }

    @Test
    void aTenMegabyteLineEndsInADocumentedErrorWithThePartialAnswer() {
        try (ChaosServer server = ChaosServer.start(ChaosServer.hugeLineAfter(SSE, firstEvents(3), 10 << 20))) {
            LogprobsException e = streamFails(server, LogprobsException.class);
            assertThat(e).isInstanceOfAny(IncompleteStreamException.class, MalformedResponseException.class);
            AIMessageChunk partial = e instanceof IncompleteStreamException i ? i.partial() : ((MalformedResponseException) e).partial();
            assertThat(partial.content()).isEqualTo("I'm");
        }
    }

    @Test
    void unaskedGzipIsRefusedNamingTheEncoding() {
        try (ChaosServer server = ChaosServer.start(ChaosServer.unaskedGzip(SSE, STREAM))) {
            MalformedResponseException e = streamFails(server, MalformedResponseException.class);
            assertThat(e.getMessage()).contains("gzip");
        }
    }
}
