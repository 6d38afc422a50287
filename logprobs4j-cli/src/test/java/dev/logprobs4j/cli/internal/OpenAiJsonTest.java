package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.Choice;
import dev.logprobs4j.ResponseInfo;
import dev.logprobs4j.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenAiJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void chatCompletionHasOpenAisShapeAndParsesBack() throws Exception {
        AIMessage msg = new AIMessage(List.of(new Choice(0, "Hello world<script>\n", null, Fixtures.fourLevels(), "length")),
                new ResponseInfo("chatcmpl-7", null, null, new Usage(3, 4, 7), Map.of()), null);
        JsonNode root = MAPPER.readTree(OpenAiJson.write(OpenAiJson.chatCompletion(msg, "stories260K", 1700000000L)));
        assertThat(root.get("id").asText()).isEqualTo("chatcmpl-7");
        assertThat(root.get("object").asText()).isEqualTo("chat.completion");
        assertThat(root.get("created").asLong()).isEqualTo(1700000000L);
        assertThat(root.get("model").asText()).isEqualTo("stories260K");
        JsonNode choice = root.get("choices").get(0);
        assertThat(choice.get("index").asInt()).isZero();
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo("Hello world<script>\n");
        assertThat(choice.get("message").get("refusal").isNull()).isTrue();
        assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
        JsonNode content = choice.get("logprobs").get("content");
        assertThat(content).hasSize(4);
        assertThat(content.get(0).get("token").asText()).isEqualTo("Hello");
        assertThat(content.get(0).get("logprob").asDouble()).isEqualTo(Math.log(0.95));
        assertThat(content.get(0).get("bytes").toString()).isEqualTo("[72,101,108,108,111]");
        assertThat(content.get(0).get("top_logprobs")).hasSize(2);
        assertThat(content.get(3).get("token").asText()).isEqualTo("\n");
        assertThat(root.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
        assertThat(root.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        assertThat(root.get("usage").get("total_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void modelAndIdFallBackWhenTheResponseHasNone() throws Exception {
        AIMessage msg = AIMessage.of("x", null, "stop", null);
        JsonNode root = MAPPER.readTree(OpenAiJson.write(OpenAiJson.chatCompletion(msg, "fallback", 1L)));
        assertThat(root.get("model").asText()).isEqualTo("fallback");
        assertThat(root.get("id").asText()).startsWith("chatcmpl-");
        assertThat(root.get("choices").get(0).get("logprobs").isNull()).isTrue();
        assertThat(root.has("usage")).isFalse();
    }

    @Test
    void scoreObjectCarriesLogprobsInTheSameShapeWithTotals() throws Exception {
        JsonNode root = MAPPER.readTree(OpenAiJson.write(OpenAiJson.score("m", "Start...", List.of("Start"), Fixtures.fourLevels())));
        assertThat(root.get("object").asText()).isEqualTo("logprobs4j.score");
        assertThat(root.get("unscored").get(0).asText()).isEqualTo("Start");
        assertThat(root.get("logprobs").get("content")).hasSize(4);
        assertThat(root.get("usage").get("prompt_tokens").asInt()).isEqualTo(5);
        double total = Math.log(0.95) + Math.log(0.6) + Math.log(0.3) + Math.log(0.1);
        assertThat(root.get("total_logprob").asDouble()).isCloseTo(total, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(root.get("perplexity").asDouble()).isCloseTo(Math.exp(-total / 4), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void streamedScoreIsByteForByteTheScoreObjectJacksonWrites() throws Exception {
        // Top alternatives, a null bytes field, empty and non-empty unscored, and a text with no scored token (NaN perplexity).
        dev.logprobs4j.TokenLogprob noBytes = new dev.logprobs4j.TokenLogprob("<x>", null, -0.5, List.of(), 7, 1);
        dev.logprobs4j.Logprobs withNull = dev.logprobs4j.Logprobs.of(List.of(Fixtures.fourLevels().content().get(0), noBytes));
        for (Object[] c : new Object[][] {{List.of("Start"), Fixtures.fourLevels()}, {List.of(), withNull},
                {List.of("A"), dev.logprobs4j.Logprobs.EMPTY}}) {
            @SuppressWarnings("unchecked")
            List<String> unscored = (List<String>) c[0];
            dev.logprobs4j.Logprobs scored = (dev.logprobs4j.Logprobs) c[1];
            java.io.StringWriter streamed = new java.io.StringWriter();
            try (com.fasterxml.jackson.core.JsonGenerator json = MAPPER.createGenerator(streamed)) {
                OpenAiJson.writeScore(json, "m", "Start \"quoted\" é", unscored, scored);
            }
            assertThat(streamed.toString()).isEqualTo(MAPPER.writeValueAsString(OpenAiJson.score("m", "Start \"quoted\" é", unscored, scored)));
        }
    }
}
