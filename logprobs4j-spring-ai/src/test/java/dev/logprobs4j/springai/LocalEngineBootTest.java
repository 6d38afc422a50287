package dev.logprobs4j.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.local.LocalChatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter's auto-configuration in a Spring Boot context, answering through the in-process engine. */
@SpringBootTest(classes = LocalEngineBootTest.App.class, properties = {
        "logprobs4j.local.threads=2", "logprobs4j.logprobs=true", "logprobs4j.top-logprobs=3",
        "logprobs4j.temperature=0", "logprobs4j.max-tokens=12"})
class LocalEngineBootTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void model(DynamicPropertyRegistry registry) {
        registry.add("logprobs4j.local.model-path", () -> Models.stories260K().toString());
    }

    @Autowired
    ChatModel chatModel;

    @Autowired
    dev.logprobs4j.ChatModel logprobs4jModel;

    /** What logprobs4j itself answers with the options the properties bind. */
    private AIMessage direct() {
        return logprobs4jModel.invoke("Once upon a time");
    }

    @Test
    void propertiesGiveTheLocalEngineBehindSpringAi() {
        assertThat(chatModel).isInstanceOf(LogprobsChatModel.class);
        assertThat(logprobs4jModel).isInstanceOf(LocalChatModel.class);
        assertThat(logprobs4jModel.boundOptions())
                .isEqualTo(ChatOptions.builder().logprobs(true).topLogprobs(3).temperature(0).maxTokens(12).build());
        assertThat(((LocalChatModel) logprobs4jModel).modelPath()).isEqualTo(Models.stories260K());
    }

    @Test
    void callPutsOpenAiShapedLogprobsInTheGenerationMetadata() {
        Generation generation = chatModel.call(new Prompt("Once upon a time")).getResult();
        AIMessage expected = direct();

        assertThat(generation.getOutput().getText()).isEqualTo(expected.content()).isNotBlank();
        assertThat(generation.getMetadata().getFinishReason()).isEqualTo("length");
        Map<String, Object> logprobs = generation.getMetadata().get("logprobs");
        List<Map<String, Object>> content = content(logprobs);
        assertThat(content).hasSize(12);
        assertThat(content.get(0)).containsOnlyKeys("token", "bytes", "logprob", "top_logprobs");
        assertThat(content.get(0).get("token")).isEqualTo(expected.logprobs().content().get(0).token());
        assertThat(content.get(0).get("logprob")).isEqualTo(expected.logprobs().content().get(0).logprob());
        assertThat((List<?>) content.get(0).get("top_logprobs")).hasSize(3);
        assertThat(LogprobsGenerationMetadata.from(generation).logprobs()).isEqualTo(expected.logprobs());
    }

    @Test
    void chatClientWorksOnTopAndItsOptionsOverrideTheBoundOnes() {
        ChatClient client = ChatClient.create(chatModel);

        ChatResponse response = client.prompt().user("Once upon a time").call().chatResponse();
        assertThat(LogprobsGenerationMetadata.from(response.getResult()).logprobs()).isEqualTo(direct().logprobs());

        ChatResponse fewer = client.prompt().user("Once upon a time")
                .options(LogprobsChatOptions.builder().topLogprobs(1).maxTokens(4)).call().chatResponse();
        Logprobs logprobs = LogprobsGenerationMetadata.from(fewer.getResult()).logprobs();
        assertThat(logprobs.content()).hasSize(4).allSatisfy(t -> assertThat(t.topLogprobs()).hasSize(1));
    }

    @Test
    void fluxStreamingLogprobsJoinToTheCallsLogprobs() {
        ChatResponse called = chatModel.call(new Prompt("Once upon a time"));
        List<ChatResponse> streamed = chatModel.stream(new Prompt("Once upon a time")).collectList().block();

        Logprobs joined = Logprobs.EMPTY;
        List<Map<String, Object>> joinedShaped = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ChatResponse r : streamed) {
            Generation g = r.getResult();
            text.append(g.getOutput().getText());
            Logprobs piece = LogprobsGenerationMetadata.from(g).logprobs();
            if (piece != null) {
                joined = joined.concat(piece);
                joinedShaped.addAll(content(g.getMetadata().get("logprobs")));
            }
        }
        Generation whole = called.getResult();
        assertThat(joined).isEqualTo(LogprobsGenerationMetadata.from(whole).logprobs());
        assertThat(joinedShaped).isEqualTo(content(whole.getMetadata().get("logprobs")));
        assertThat(text.toString()).isEqualTo(whole.getOutput().getText());
        assertThat(streamed.get(streamed.size() - 1).getResult().getMetadata().getFinishReason()).isEqualTo("length");

        String clientText = String.join("", ChatClient.create(chatModel).prompt().user("Once upon a time").stream()
                .content().collectList().block());
        assertThat(clientText).isEqualTo(whole.getOutput().getText());
    }

    @Test
    void anotherModelNameIsRefused() {
        Prompt prompt = new Prompt("hi", LogprobsChatOptions.builder().model("gpt-4o").build());

        assertThatThrownBy(() -> chatModel.call(prompt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model 'gpt-4o' is not the wrapped model '" + logprobs4jModel.modelName()
                        + "': build another logprobs4j model for it");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> content(Object logprobs) {
        return (List<Map<String, Object>>) ((Map<String, Object>) logprobs).get("content");
    }
}
