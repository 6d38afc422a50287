package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /v1/classify over a model that cannot score continuations: lower bounds from one token's 20 alternatives. */
class ClassifyFallbackTest {

    static ScriptedModel model = new ScriptedModel(6);
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

    @Test
    void labelsGetTheirFirstTokensProbabilityAndTheUnseenMassIsReported() {
        AIMessage one = model.complete("the story", ChatOptions.builder().logprobs(true).topLogprobs(20).maxTokens(1).temperature(0).build())
                .aggregate().toMessage();
        TokenLogprob first = one.logprobs().content().get(0);
        TopLogprob best = first.topLogprobs().get(0);
        TopLogprob last = first.topLogprobs().get(19); // seen, but the least likely of the 20
        double seen = first.topLogprobs().stream().mapToDouble(TopLogprob::probability).sum();

        JsonNode body = http.post("/v1/classify", "{\"model\":\"" + ScriptedModel.NAME + "\",\"prompt\":\"the story\",\"labels\":["
                + "\"" + best.token() + "\",\"" + last.token() + "\"]}").json();

        assertThat(body.get("method").asText()).isEqualTo("first_token_lower_bound");
        assertThat(body.get("unseen_mass").asDouble()).isCloseTo(1 - seen, Offset.offset(1e-12)).isPositive();
        assertThat(body.at("/labels/0/logprob").asDouble()).isCloseTo(best.logprob(), Offset.offset(1e-12));
        assertThat(body.at("/labels/1/logprob").asDouble()).isCloseTo(last.logprob(), Offset.offset(1e-12));
        assertThat(body.at("/labels/0/probability").asDouble() + body.at("/labels/1/probability").asDouble())
                .isCloseTo(1, Offset.offset(1e-12));
        assertThat(body.at("/labels/0/first_token_rank").isNull()).isTrue();
    }
}
