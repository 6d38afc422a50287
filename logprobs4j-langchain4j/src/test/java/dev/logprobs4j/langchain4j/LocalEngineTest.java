package dev.logprobs4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.TokenStream;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.local.LocalChatModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The adapter over the in-process engine (stories260K), driven through LangChain4j's own API. */
class LocalEngineTest {

    private static final LogprobsChatRequestParameters GREEDY = LogprobsChatRequestParameters.builder()
            .logprobs(true).topLogprobs(3).temperature(0.0).maxOutputTokens(12).build();

    private static LocalChatModel local;
    private static LogprobsChatModel model;

    @BeforeAll
    static void load() {
        local = LocalChatModel.builder().modelPath(Models.stories260K()).threads(2).build();
        model = LogprobsChatModel.builder(local).defaultRequestParameters(GREEDY).build();
    }

    @AfterAll
    static void close() {
        local.close();
    }

    /** What logprobs4j itself answers for the same prompt and options. */
    private static AIMessage direct(String prompt) {
        return local.bind(ChatOptions.builder().logprobs(true).topLogprobs(3).temperature(0).maxTokens(12).build()).invoke(prompt);
    }

    @Test
    void chatReturnsTheEnginesLogprobsInOpenAisShape() {
        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build());
        AIMessage expected = direct("Once upon a time");

        assertThat(response.aiMessage().text()).isEqualTo(expected.content()).isNotBlank();
        assertThat(response.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(12);
        assertThat(response.modelName()).isEqualTo(local.modelName());

        LogprobsChatResponseMetadata metadata = LogprobsChatResponseMetadata.from(response);
        assertThat(metadata.logprobs()).isEqualTo(expected.logprobs());
        List<LogProb> logProbs = metadata.logProbs();
        assertThat(logProbs).hasSize(12);
        TokenLogprob first = expected.logprobs().content().get(0);
        LogProb firstLogProb = logProbs.get(0);
        assertThat(firstLogProb.token()).isEqualTo(first.token());
        assertThat(firstLogProb.logprob()).isEqualTo(first.logprob());
        assertThat(firstLogProb.bytes()).containsExactly(toInts(first.bytes()));
        assertThat(firstLogProb.topLogprobs()).hasSize(3);
        assertThat(firstLogProb.topLogprobs().get(0).token()).isEqualTo(first.topLogprobs().get(0).token());
        assertThat(String.join("", logProbs.stream().map(LogProb::token).toList())).isEqualTo(response.aiMessage().text());
    }

    @Test
    void requestParametersOverrideTheDefaults() {
        ChatResponse response = model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .parameters(LogprobsChatRequestParameters.builder().topLogprobs(1).maxOutputTokens(4).build()).build());

        List<LogProb> logProbs = LogprobsChatResponseMetadata.from(response).logProbs();
        assertThat(logProbs).hasSize(4);
        assertThat(logProbs).allSatisfy(p -> assertThat(p.topLogprobs()).hasSize(1));
    }

    @Test
    void requestsWrittenForLangChain4jsOpenAiModelKeepTheirLogprobs() {
        LogprobsChatModel plain = LogprobsChatModel.of(local.bind(ChatOptions.builder().temperature(0).build()));

        ChatResponse response = plain.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time"))
                .parameters(OpenAiChatRequestParameters.builder().logprobs(true).topLogprobs(2).maxOutputTokens(3).build())
                .build());

        List<LogProb> logProbs = LogprobsChatResponseMetadata.from(response).logProbs();
        assertThat(logProbs).hasSize(3).allSatisfy(p -> assertThat(p.topLogprobs()).hasSize(2));
    }

    @Test
    void withoutLogprobsTheMetadataSaysNull() {
        LogprobsChatModel plain = LogprobsChatModel.of(local.bind(ChatOptions.builder().temperature(0).maxTokens(3).build()));

        ChatResponse response = plain.chat(ChatRequest.builder().messages(SystemMessage.from("Be brief."),
                UserMessage.from("Once upon a time")).build());

        assertThat(response.aiMessage().text()).isNotBlank();
        assertThat(LogprobsChatResponseMetadata.from(response).logProbs()).isNull();
        assertThat(LogprobsChatResponseMetadata.from(response).logprobs()).isNull();
    }

    @Test
    void streamingGivesPartialsAndACompleteResponseEqualToChat() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build(), handler);
        ChatResponse streamed = handler.await();
        ChatResponse invoked = model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build());

        LogprobsChatResponseMetadata s = LogprobsChatResponseMetadata.from(streamed);
        LogprobsChatResponseMetadata i = LogprobsChatResponseMetadata.from(invoked);
        assertThat(s.logprobs()).isEqualTo(i.logprobs());
        assertThat(s.logProbs()).isEqualTo(i.logProbs());
        assertThat(streamed.aiMessage().text()).isEqualTo(invoked.aiMessage().text());
        assertThat(streamed.finishReason()).isEqualTo(invoked.finishReason());

        // One partial per generated token, each with that token's logprobs; joined they are the whole.
        assertThat(handler.partials).hasSize(12);
        assertThat(String.join("", handler.partials.stream().map(PartialResponse::text).toList()))
                .isEqualTo(streamed.aiMessage().text());
        Logprobs joined = Logprobs.EMPTY;
        for (PartialResponse p : handler.partials) {
            joined = joined.concat(((LogprobsPartialResponse) p).logprobs());
        }
        assertThat(joined).isEqualTo(s.logprobs());
    }

    @Test
    void cancellingTheStreamingHandleStopsTheAnswer() throws Exception {
        CompletableFuture<Integer> cancelledAfter = new CompletableFuture<>();
        RecordingHandler handler = new RecordingHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, dev.langchain4j.model.chat.response.PartialResponseContext context) {
                super.onPartialResponse(partial, context);
                context.streamingHandle().cancel();
                cancelledAfter.complete(partials.size());
            }
        };
        model.chat(ChatRequest.builder().messages(UserMessage.from("Once upon a time")).build(), handler);

        assertThat(cancelledAfter.get(60, TimeUnit.SECONDS)).isEqualTo(1);
        Thread.sleep(200); // would let further partials arrive if cancelling did not stop them
        assertThat(handler.partials).hasSize(1);
    }

    interface StoryTeller {
        Result<String> continueStory(String beginning);

        TokenStream streamStory(String beginning);
    }

    @Test
    void anAiServiceAnswersThroughTheEngineWithLogprobs() throws Exception {
        StoryTeller teller = AiServices.builder(StoryTeller.class).chatModel(model).streamingChatModel(model).build();

        Result<String> result = teller.continueStory("Once upon a time");
        assertThat(result.content()).isEqualTo(direct("Once upon a time").content());
        assertThat(LogprobsChatResponseMetadata.from(result.finalResponse()).logprobs())
                .isEqualTo(direct("Once upon a time").logprobs());

        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        teller.streamStory("Once upon a time").onPartialResponse(text::append)
                .onCompleteResponse(done::complete).onError(done::completeExceptionally).start();
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);
        assertThat(text.toString()).isEqualTo(result.content());
        assertThat(LogprobsChatResponseMetadata.from(streamed).logprobs())
                .isEqualTo(LogprobsChatResponseMetadata.from(result.finalResponse()).logprobs());
    }

    @Test
    void toolsAreRefusedWithAClearMessage() {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("hi"))
                .toolSpecifications(ToolSpecification.builder().name("weather").build()).build();

        assertThatThrownBy(() -> model.chat(request)).isInstanceOf(UnsupportedFeatureException.class)
                .hasMessage("tools are not supported by logprobs4j models");
    }

    @Test
    void anotherModelNameIsRefused() {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("hi")).modelName("gpt-4o").build();

        assertThatThrownBy(() -> model.chat(request)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("modelName 'gpt-4o' is not the wrapped model '" + local.modelName()
                        + "': build another logprobs4j model for it");
    }

    private static Integer[] toInts(byte[] bytes) {
        Integer[] out = new Integer[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xff;
        }
        return out;
    }
}
