package dev.logprobs4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.Json;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.UnsupportedCapabilityException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every provider keeps, as JUnit 5 tests: a provider's test class extends this and
 * supplies a model pointing at the {@link ReplayServer}, its recorded fixtures, and the first five
 * tokens the invoke fixture holds (derived by hand from the fixture file, not from the parser).
 *
 * <p>What it pins, the same for every model family:
 * <ul>
 *   <li>{@code invoke} returns typed logprobs whose first five entries are the expected ones;</li>
 *   <li>LangChain's guide example: bind {@code logprobs(true)} and {@code topLogprobs(k)}, invoke,
 *       then stream and fold with {@code full == null ? chunk : full.add(chunk)}; the size of
 *       {@code full.responseMetadata().get("logprobs").content} after each add starts at 0 (the
 *       first chunk carries {@code []}, synthesised by providers whose wire stream has no such
 *       chunk) and grows by at most one per chunk, by one per token chunk;</li>
 *   <li>the streamed chunks add up to what {@code invoke} returns (text, logprobs, finish reason,
 *       usage);</li>
 *   <li>the provider's own error body becomes a {@link ProviderException} with status and
 *       message;</li>
 *   <li>logprobs asked of a model whose capabilities lack them fail with
 *       {@link UnsupportedCapabilityException} before any request reaches the server;</li>
 *   <li>{@link Json#write} of the {@code logprobs} metadata has exactly {@code token},
 *       {@code bytes}, {@code logprob}, {@code top_logprobs} per entry (and {@code token},
 *       {@code bytes}, {@code logprob} per alternative), bytes always present.</li>
 * </ul>
 *
 * <p>One server per test, started before and closed after it. Not thread-safe (JUnit runs each
 * test on a fresh instance).
 */
public abstract class ProviderContractTest {

    /** The replay server of the current test. */
    protected ReplayServer server;

    /**
     * One expected logprob entry: token text, UTF-8 bytes and logprob, exactly as in the fixture.
     *
     * @param token   the token text
     * @param bytes   the token's bytes
     * @param logprob the natural-log probability
     */
    public record ExpectedToken(String token, byte[] bytes, double logprob) {

        public ExpectedToken {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(bytes, "bytes");
            bytes = bytes.clone();
        }

        /** An entry whose bytes are the UTF-8 encoding of its text. */
        public static ExpectedToken utf8(String token, double logprob) {
            return new ExpectedToken(token, token.getBytes(StandardCharsets.UTF_8), logprob);
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ExpectedToken e && token.equals(e.token) && Arrays.equals(bytes, e.bytes)
                    && Double.compare(logprob, e.logprob) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(token, Arrays.hashCode(bytes), logprob);
        }

        @Override
        public String toString() {
            return "ExpectedToken[token=" + token + ", bytes=" + Arrays.toString(bytes) + ", logprob=" + logprob + "]";
        }
    }

    /**
     * Where a fixture is served: method, path (without query) and the reply.
     *
     * @param method the HTTP method
     * @param path   the path the provider calls
     * @param reply  the recorded answer
     */
    public record Route(String method, String path, Reply reply) {
    }

    /** A model of the provider under test, pointing at {@code baseUrl}, with logprobs in its capabilities. */
    protected abstract ChatModel model(String baseUrl);

    /** A model of the same provider, pointing at {@code baseUrl}, whose capabilities lack logprobs. */
    protected abstract ChatModel modelWithoutLogprobs(String baseUrl);

    /** The recorded blocking answer (with logprobs and {@link #topLogprobs()} alternatives). */
    protected abstract Route invokeFixture();

    /** The recorded streamed answer of the same call. */
    protected abstract Route streamFixture();

    /** The provider's own error answer. */
    protected abstract Route errorFixture();

    /** The status of {@link #errorFixture()}. */
    protected abstract int expectedErrorStatus();

    /** The provider's message in {@link #errorFixture()}, exactly. */
    protected abstract String expectedErrorMessage();

    /** The first five content entries of {@link #invokeFixture()}, read off the fixture by hand. */
    protected abstract List<ExpectedToken> expectedFirstTokens();

    /** How many alternatives per position the fixtures hold. */
    protected abstract int topLogprobs();

    /**
     * Tokens whose {@code bytes} the provider itself reports as JSON {@code null} ("no bytes
     * representation", as OpenAI documents for special tokens such as {@code <|end|>}); they are kept
     * as null rather than invented. Every other token and alternative must carry bytes. Default: none.
     */
    protected Set<String> tokensWithoutBytes() {
        return Set.of();
    }

    /** The user message of the calls. */
    protected String prompt() {
        return "how are you today";
    }

    @BeforeEach
    final void startReplayServer() {
        server = ReplayServer.start();
    }

    @AfterEach
    final void stopReplayServer() {
        if (server != null) {
            server.close();
        }
    }

    private ChatModel boundModel() {
        return model(server.baseUrl()).bind(ChatOptions.builder().logprobs(true).topLogprobs(topLogprobs()).build());
    }

    /** Serves the invoke fixture, then the stream fixture (they may share a path). */
    private void routeInvokeThenStream() {
        Route invoke = invokeFixture();
        Route stream = streamFixture();
        if (invoke.method().equalsIgnoreCase(stream.method()) && invoke.path().equals(stream.path())) {
            server.route(invoke.method(), invoke.path(), invoke.reply(), stream.reply());
        } else {
            server.route(invoke.method(), invoke.path(), invoke.reply());
            server.route(stream.method(), stream.path(), stream.reply());
        }
    }

    private static int contentSize(Map<String, Object> metadata) {
        Object logprobs = metadata.get("logprobs");
        assertThat(logprobs).as("responseMetadata().get(\"logprobs\")").isInstanceOf(Map.class);
        Object content = ((Map<?, ?>) logprobs).get("content");
        assertThat(content).as("logprobs content").isInstanceOf(List.class);
        return ((List<?>) content).size();
    }

    @Test
    void invokeReturnsTheExpectedFirstFiveTokens() {
        Route invoke = invokeFixture();
        server.route(invoke.method(), invoke.path(), invoke.reply());

        AIMessage msg = boundModel().invoke(prompt());

        List<ExpectedToken> expected = expectedFirstTokens();
        assertThat(expected).as("the contract needs five expected tokens").hasSize(5);
        assertThat(msg.hasLogprobs()).isTrue();
        assertThat(msg.logprobs().size()).isGreaterThanOrEqualTo(5);
        List<ExpectedToken> actual = new ArrayList<>();
        for (TokenLogprob t : msg.logprobs().content().subList(0, 5)) {
            actual.add(new ExpectedToken(t.token(), t.bytes(), t.logprob()));
        }
        assertThat(actual).isEqualTo(expected);
        for (TokenLogprob t : msg.logprobs().content()) {
            assertThat(t.topLogprobs()).as("alternatives of '%s'", t.token()).isNotEmpty().hasSizeLessThanOrEqualTo(topLogprobs());
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void guideExampleStreamStartsWithEmptyLogprobsAndGrowsByOnePerTokenChunk() {
        routeInvokeThenStream();
        ChatModel llm = boundModel();

        AIMessage msg = llm.invoke(prompt());
        assertThat(contentSize(msg.responseMetadata())).isEqualTo(msg.logprobs().size());

        AIMessageChunk full = null;
        List<Integer> sizes = new ArrayList<>();
        for (AIMessageChunk chunk : llm.stream(prompt())) {
            full = full == null ? chunk : full.add(chunk);
            int size = contentSize(full.responseMetadata());
            sizes.add(size);
        }

        assertThat(sizes).as("sizes after each add").isNotEmpty();
        assertThat(sizes.get(0)).as("the first chunk carries []").isZero();
        for (int i = 1; i < sizes.size(); i++) {
            assertThat(sizes.get(i) - sizes.get(i - 1)).as("growth at chunk %d of %s", i, sizes).isBetween(0, 1);
        }
        assertThat(sizes.get(sizes.size() - 1)).isEqualTo(msg.logprobs().size());
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void firstStreamedChunkCarriesEmptyLogprobs() {
        Route stream = streamFixture();
        server.route(stream.method(), stream.path(), stream.reply());
        try (ChatStream chunks = boundModel().stream(prompt())) {
            AIMessageChunk first = chunks.iterator().next();
            assertThat(first.hasLogprobs()).isTrue();
            assertThat(first.logprobs().content()).isEmpty();
            assertThat(first.content()).isEmpty();
        }
    }

    @Test
    void streamedChunksAddUpToTheInvokeAnswer() {
        routeInvokeThenStream();
        ChatModel llm = boundModel();

        AIMessage invoked = llm.invoke(prompt());
        AIMessage streamed = llm.stream(prompt()).aggregate().toMessage();

        assertThat(streamed.content()).isEqualTo(invoked.content());
        assertThat(streamed.logprobs().content()).isEqualTo(invoked.logprobs().content());
        assertThat(streamed.finishReason()).isEqualTo(invoked.finishReason());
        assertThat(streamed.usage()).isEqualTo(invoked.usage());
        assertThat(streamed.info().model()).isEqualTo(invoked.info().model());
    }

    @Test
    void providerErrorBodyBecomesProviderExceptionWithStatusAndMessage() {
        Route error = errorFixture();
        server.route(error.method(), error.path(), error.reply());

        assertThatThrownBy(() -> model(server.baseUrl()).invoke(prompt()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.status()).isEqualTo(expectedErrorStatus());
                    assertThat(e.providerMessage()).isEqualTo(expectedErrorMessage());
                    assertThat(e.getMessage()).contains(expectedErrorMessage());
                    assertThat(e.body()).isEqualTo(new String(error.reply().body(), StandardCharsets.UTF_8));
                });
    }

    @Test
    void logprobsOnAModelWithoutThemFailBeforeAnyRequest() {
        ChatModel plain = modelWithoutLogprobs(server.baseUrl());
        ChatOptions wants = ChatOptions.builder().logprobs(true).build();

        assertThat(plain.capabilities().logprobs()).isFalse();
        assertThatThrownBy(() -> plain.bind(wants).invoke(prompt()))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                        e -> assertThat(e.capability()).isEqualTo("logprobs"));
        assertThatThrownBy(() -> plain.bind(wants).stream(prompt()))
                .isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void responseMetadataJsonHasExactlyTheOpenAiFieldsPerEntry() throws IOException {
        Route invoke = invokeFixture();
        server.route(invoke.method(), invoke.path(), invoke.reply());
        AIMessage msg = boundModel().invoke(prompt());

        String json = Json.write(msg.responseMetadata().get("logprobs"));
        int entries = 0;
        try (JsonParser p = new JsonFactory().createParser(json)) {
            expect(p, JsonToken.START_OBJECT);
            expectField(p, "content");
            expect(p, JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                expectField(p, "token");
                expect(p, JsonToken.VALUE_STRING);
                String token = p.getText();
                expectField(p, "bytes");
                expectBytes(p, tokensWithoutBytes().contains(token));
                expectField(p, "logprob");
                expect(p, JsonToken.VALUE_NUMBER_FLOAT);
                expectField(p, "top_logprobs");
                expect(p, JsonToken.START_ARRAY);
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    expectField(p, "token");
                    expect(p, JsonToken.VALUE_STRING);
                    String alternative = p.getText();
                    expectField(p, "bytes");
                    expectBytes(p, tokensWithoutBytes().contains(alternative));
                    expectField(p, "logprob");
                    expect(p, JsonToken.VALUE_NUMBER_FLOAT);
                    expect(p, JsonToken.END_OBJECT);
                }
                expect(p, JsonToken.END_OBJECT);
                entries++;
            }
            assertThat(p.currentToken()).isEqualTo(JsonToken.END_ARRAY);
            expect(p, JsonToken.END_OBJECT);
            assertThat(p.nextToken()).as("nothing after the logprobs object").isNull();
        }
        assertThat(entries).isEqualTo(msg.logprobs().size());
    }

    @Test
    void bytesArePresentOnEveryTokenAndAlternative() {
        Route invoke = invokeFixture();
        server.route(invoke.method(), invoke.path(), invoke.reply());
        AIMessage msg = boundModel().invoke(prompt());

        int withoutBytes = 0;
        for (TokenLogprob t : msg.logprobs().content()) {
            assertThat(t.bytes()).as("bytes of '%s'", t.token()).isNotNull();
            for (TopLogprob alt : t.topLogprobs()) {
                if (tokensWithoutBytes().contains(alt.token())) {
                    assertThat(alt.bytes()).as("bytes the provider sent as null, alternative '%s'", alt.token()).isNull();
                    withoutBytes++;
                } else {
                    assertThat(alt.bytes()).as("bytes of alternative '%s'", alt.token()).isNotNull();
                }
            }
        }
        assertThat(withoutBytes).as("alternatives the fixture sends with null bytes %s", tokensWithoutBytes())
                .isGreaterThanOrEqualTo(tokensWithoutBytes().size());
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        assertThat(p.nextToken()).as("JSON token at %s", p.currentLocation()).isEqualTo(token);
    }

    private static void expectField(JsonParser p, String name) throws IOException {
        expect(p, JsonToken.FIELD_NAME);
        assertThat(p.currentName()).isEqualTo(name);
    }

    private static void expectBytes(JsonParser p, boolean sentAsNull) throws IOException {
        if (sentAsNull) {
            expect(p, JsonToken.VALUE_NULL);
            return;
        }
        expect(p, JsonToken.START_ARRAY);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.VALUE_NUMBER_INT) {
            assertThat(p.getIntValue()).isBetween(0, 255);
        }
        assertThat(t).isEqualTo(JsonToken.END_ARRAY);
    }
}
