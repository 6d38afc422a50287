package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.local.LocalChatModel;
import org.junit.jupiter.api.Test;

/** The context a server runs with: reported by /v1/models, and named when a prompt does not fit. */
class ContextLengthTest {

    @Test
    void modelsReportTheContextAndATooLongPromptGetsBothNumbers() throws Exception {
        try (LocalChatModel small = LocalChatModel.builder().modelPath(Stories.sharedModel("stories260K.gguf")).threads(2).contextLength(16).build();
                LogprobsServer server = LogprobsServer.builder().model(small).port(0).build().start()) {
            Http http = new Http(server, null);
            JsonNode models = http.get("/v1/models").json();
            assertThat(models.at("/data/0/context_length").asInt()).isEqualTo(16);
            assertThat(models.at("/data/0/max_model_len").asInt()).isEqualTo(16);
            assertThat(http.get("/v1/models/" + small.modelName()).json().at("/context_length").asInt()).isEqualTo(16);

            String prompt = "Once upon a time, there was a little girl named Lily. She loved to play outside.";
            int tokens = small.countTokens(java.util.List.of(dev.logprobs4j.Message.human(prompt)));
            assertThat(tokens).isGreaterThan(16);
            Http.Reply r = http.post("/v1/chat/completions", "{\"model\":\"" + small.modelName()
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}");
            assertThat(r.status()).isEqualTo(400);
            JsonNode error = r.json().path("error");
            assertThat(error.path("code").asText()).isEqualTo("context_length_exceeded");
            assertThat(error.path("message").asText()).startsWith("the prompt has " + tokens + " tokens but the context holds 16")
                    .contains("--context").doesNotContain("contextLength(");
            // A completion of it fails the same way, naming the numbers.
            Http.Reply completion = http.post("/v1/completions", "{\"model\":\"" + small.modelName() + "\",\"prompt\":\"" + prompt
                    + "\",\"echo\":true,\"logprobs\":0,\"max_tokens\":1}");
            assertThat(completion.status()).isEqualTo(400);
            assertThat(completion.json().at("/error/code").asText()).isEqualTo("context_length_exceeded");
            assertThat(completion.json().at("/error/message").asText()).contains("but the context holds 16");
        }
    }
}
