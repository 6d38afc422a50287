package dev.logprobs4j.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code responseMetadata()} written with {@link Json#write} is OpenAI's {@code logprobs} object, field for field. */
class ResponseMetadataShapeTest {

    private final OpenAiServer server = new OpenAiServer();

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode roundTrip(String fixture, boolean stream) {
        server.replyFixture(fixture);
        var llm = server.model().build().bind(ChatOptions.builder().logprobs(true).build());
        Object logprobs = stream ? llm.stream("x").aggregate().responseMetadata().get("logprobs")
                : llm.invoke("x").responseMetadata().get("logprobs");
        return Fixtures.parse(Json.write(logprobs));
    }

    @Test
    void apiReferenceLogprobsObjectComesBackFieldForField() {
        JsonNode written = roundTrip("reference-logprobs.json", false);
        JsonNode expected = Fixtures.tree("reference-logprobs.json").get("choices").get(0).get("logprobs");
        assertThat(written).isEqualTo(expected);
        assertThat(fieldNames(written.get("content").get(0))).containsExactly("token", "bytes", "logprob", "top_logprobs");
        assertThat(written.get("content").get(2).get("top_logprobs").get(1).get("bytes").isNull()).isTrue();
    }

    @Test
    void streamedLogprobsObjectComesBackFieldForField() {
        JsonNode written = roundTrip("reference-logprobs-stream.sse", true);
        JsonNode expected = Fixtures.tree("reference-logprobs.json").get("choices").get(0).get("logprobs");
        assertThat(written).isEqualTo(expected);
    }

    @Test
    void guideLogprobsMatchTheFixtureWithoutItsNullRefusal() {
        JsonNode written = roundTrip("guide-invoke.json", false);
        ObjectNode expected = ((ObjectNode) Fixtures.tree("guide-invoke.json").get("choices").get(0).get("logprobs")).deepCopy();
        assertThat(expected.get("refusal").isNull()).isTrue();
        expected.remove("refusal"); // core writes "refusal" only when the model refused
        assertThat(written).isEqualTo(expected);
    }

    @Test
    void refusalLogprobsComeBackFieldForField() {
        JsonNode written = roundTrip("refusal.json", false);
        ObjectNode expected = ((ObjectNode) Fixtures.tree("refusal.json").get("choices").get(0).get("logprobs")).deepCopy();
        expected.set("content", Fixtures.MAPPER.createArrayNode()); // OpenAI's null content is read as no tokens
        assertThat(written).isEqualTo(expected);
    }

    @Test
    void metadataCarriesOpenAisOtherFields() {
        server.replyFixture("guide-invoke.json");
        AIMessage msg = server.model().build().invoke("x");
        JsonNode meta = Fixtures.parse(Json.write(msg.responseMetadata()));
        JsonNode doc = Fixtures.tree("guide-invoke.json");
        assertThat(meta.get("model_name")).isEqualTo(doc.get("model"));
        assertThat(meta.get("id")).isEqualTo(doc.get("id"));
        assertThat(meta.get("system_fingerprint")).isEqualTo(doc.get("system_fingerprint"));
        assertThat(meta.get("finish_reason")).isEqualTo(doc.get("choices").get(0).get("finish_reason"));
        assertThat(meta.get("token_usage").get("total_tokens")).isEqualTo(doc.get("usage").get("total_tokens"));
        assertThat(meta.get("raw").asText()).isEqualTo(Fixtures.text("guide-invoke.json"));
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
