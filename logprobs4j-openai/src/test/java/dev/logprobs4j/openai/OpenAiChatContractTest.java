package dev.logprobs4j.openai;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.testkit.ProviderContractTest;
import dev.logprobs4j.testkit.Reply;
import java.util.List;
import java.util.Set;

/**
 * The contract every provider keeps, for {@link OpenAiChatModel} on Chat Completions. The fixtures
 * are OpenAI's API reference Logprobs example (reference-logprobs.json and its streamed form, see
 * their .md notes): unlike the guide's two recorded runs, their invoke and stream carry the same
 * answer, so streaming must add up to invoking.
 */
class OpenAiChatContractTest extends ProviderContractTest {

    @Override
    protected ChatModel model(String baseUrl) {
        return OpenAiChatModel.builder().model("gpt-4o-mini").baseUrl(baseUrl + "/v1").apiKey("sk-test-1234").maxRetries(0)
                .build();
    }

    @Override
    protected ChatModel modelWithoutLogprobs(String baseUrl) {
        return OpenAiChatModel.builder().model("gpt-4o-mini").baseUrl(baseUrl + "/v1").apiKey("sk-test-1234")
                .capabilities(Capabilities.NONE).build();
    }

    @Override
    protected Route invokeFixture() {
        return new Route("POST", "/v1/chat/completions", Reply.json(Fixtures.bytes("reference-logprobs.json")));
    }

    @Override
    protected Route streamFixture() {
        return new Route("POST", "/v1/chat/completions",
                Reply.streamed("text/event-stream", Fixtures.bytes("reference-logprobs-stream.sse")));
    }

    @Override
    protected Route errorFixture() {
        return new Route("POST", "/v1/chat/completions", Reply.of(400, "application/json", Fixtures.bytes("error-400.json")));
    }

    @Override
    protected int expectedErrorStatus() {
        return 400;
    }

    @Override
    protected String expectedErrorMessage() {
        return "Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 21 instead.";
    }

    @Override
    protected List<ExpectedToken> expectedFirstTokens() {
        return List.of(ExpectedToken.utf8("Hello", -0.31725305), ExpectedToken.utf8("!", -0.02380986),
                ExpectedToken.utf8(" How", -5.4669687e-05), ExpectedToken.utf8(" can", -0.015801601),
                ExpectedToken.utf8(" I", -3.7697225e-06));
    }

    @Override
    protected int topLogprobs() {
        return 2;
    }

    /** OpenAI's example sends {@code "bytes": null} for the special token {@code <|end|>}. */
    @Override
    protected Set<String> tokensWithoutBytes() {
        return Set.of("<|end|>");
    }
}
