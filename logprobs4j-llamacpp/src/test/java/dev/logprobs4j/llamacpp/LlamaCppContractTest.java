package dev.logprobs4j.llamacpp;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatModel;
import dev.logprobs4j.testkit.Fixtures;
import dev.logprobs4j.testkit.ProviderContractTest;
import dev.logprobs4j.testkit.Reply;
import java.util.List;

/** llama.cpp keeps the provider contract; expected tokens read by hand off fixtures/llamacpp/completion.json. */
class LlamaCppContractTest extends ProviderContractTest {

    static byte[] fixture(String name) {
        return Fixtures.bytes(LlamaCppContractTest.class, "/fixtures/llamacpp/" + name);
    }

    @Override
    protected ChatModel model(String baseUrl) {
        return LlamaCppCompletionModel.builder().baseUrl(baseUrl).useServerTemplate(false).build();
    }

    @Override
    protected ChatModel modelWithoutLogprobs(String baseUrl) {
        return LlamaCppCompletionModel.builder().baseUrl(baseUrl).useServerTemplate(false)
                .capabilities(Capabilities.NONE).build();
    }

    @Override
    protected Route invokeFixture() {
        return new Route("POST", "/completion", Reply.json(fixture("completion.json")));
    }

    @Override
    protected Route streamFixture() {
        return new Route("POST", "/completion", Reply.streamed("text/event-stream", fixture("completion-stream.sse")));
    }

    @Override
    protected Route errorFixture() {
        return new Route("POST", "/completion", Reply.of(503, "application/json", fixture("error-loading.json")));
    }

    @Override
    protected int expectedErrorStatus() {
        return 503;
    }

    @Override
    protected String expectedErrorMessage() {
        return "Loading model";
    }

    @Override
    protected List<ExpectedToken> expectedFirstTokens() {
        return List.of(
                ExpectedToken.utf8("I", -0.31725305),
                ExpectedToken.utf8("'m", -0.02380986),
                ExpectedToken.utf8(" doing", -0.4701289),
                ExpectedToken.utf8(" well", -0.08413124),
                ExpectedToken.utf8("!", -0.5123146));
    }

    @Override
    protected int topLogprobs() {
        return 2;
    }
}
