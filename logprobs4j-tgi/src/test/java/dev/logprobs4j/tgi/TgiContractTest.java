package dev.logprobs4j.tgi;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.testkit.Fixtures;
import dev.logprobs4j.testkit.ProviderContractTest;
import dev.logprobs4j.testkit.Reply;
import java.util.List;

/** TGI keeps the provider contract; expected tokens read by hand off fixtures/tgi/generate.json. */
class TgiContractTest extends ProviderContractTest {

    static byte[] fixture(String name) {
        return Fixtures.bytes(TgiContractTest.class, "/fixtures/tgi/" + name);
    }

    @Override
    protected ChatModel model(String baseUrl) {
        return TgiChatModel.builder().baseUrl(baseUrl).build();
    }

    @Override
    protected ChatModel modelWithoutLogprobs(String baseUrl) {
        return TgiChatModel.builder().baseUrl(baseUrl).capabilities(Capabilities.NONE).build();
    }

    @Override
    protected Route invokeFixture() {
        return new Route("POST", "/generate", Reply.json(fixture("generate.json")));
    }

    @Override
    protected Route streamFixture() {
        return new Route("POST", "/generate_stream", Reply.streamed("text/event-stream", fixture("generate-stream.sse")));
    }

    @Override
    protected Route errorFixture() {
        return new Route("POST", "/generate", Reply.of(422, "application/json", fixture("error-validation.json")));
    }

    @Override
    protected int expectedErrorStatus() {
        return 422;
    }

    @Override
    protected String expectedErrorMessage() {
        return "Input validation error: `temperature` must be strictly positive";
    }

    @Override
    protected List<ExpectedToken> expectedFirstTokens() {
        return List.of(
                ExpectedToken.utf8(" le", -1.6318359),
                ExpectedToken.utf8(" faire", -2.4882812),
                ExpectedToken.utf8(" fond", -2.4355469),
                ExpectedToken.utf8("re", 0.0),
                new ExpectedToken(" à", new byte[] {32, (byte) 0xC3, (byte) 0xA0}, -2.4472656));
    }

    @Override
    protected int topLogprobs() {
        return 2;
    }
}
