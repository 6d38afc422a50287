package dev.logprobs4j.openai;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.testkit.ProviderContractTest;
import dev.logprobs4j.testkit.Reply;
import java.util.List;

/**
 * The contract every provider keeps, for {@link OpenAiResponsesModel}. The expected tokens are the
 * first five of OpenAI's Chat Completions reference example, which responses/responses-logprobs.json
 * carries (see its .md).
 */
class OpenAiResponsesContractTest extends ProviderContractTest {

    @Override
    protected ChatModel model(String baseUrl) {
        return OpenAiResponsesModel.builder().model("gpt-4.1-mini").baseUrl(baseUrl + "/v1").apiKey("sk-test-1234")
                .env(n -> null).maxRetries(0).build();
    }

    @Override
    protected ChatModel modelWithoutLogprobs(String baseUrl) {
        return OpenAiResponsesModel.builder().model("gpt-4.1-mini").baseUrl(baseUrl + "/v1").apiKey("sk-test-1234")
                .env(n -> null).capabilities(Capabilities.NONE).build();
    }

    @Override
    protected Route invokeFixture() {
        return new Route("POST", "/v1/responses", Reply.json(Fixtures.bytes("responses/responses-logprobs.json")));
    }

    @Override
    protected Route streamFixture() {
        return new Route("POST", "/v1/responses",
                Reply.streamed("text/event-stream", Fixtures.bytes("responses/responses-logprobs-stream.sse")));
    }

    @Override
    protected Route errorFixture() {
        return new Route("POST", "/v1/responses", Reply.of(400, "application/json", Fixtures.bytes("error-400.json")));
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
}
