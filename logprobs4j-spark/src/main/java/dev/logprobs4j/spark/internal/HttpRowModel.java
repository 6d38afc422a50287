package dev.logprobs4j.spark.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.Message;
import dev.logprobs4j.openai.OpenAiChatModel;
import dev.logprobs4j.openai.OpenAiCompletionModel;
import java.util.List;

/**
 * An OpenAI-compatible endpoint (vLLM, the logprobs4j server) as a {@link RowModel}: chat for
 * {@code generate}, {@code /v1/completions} with {@code echo} for prompt scoring. Retries follow
 * the provider module. Thread-safe.
 */
public final class HttpRowModel implements RowModel {

    private final OpenAiChatModel chat;
    private final OpenAiCompletionModel completions;

    public HttpRowModel(String baseUrl, String model, String apiKey) {
        OpenAiChatModel.Builder c = OpenAiChatModel.builder().baseUrl(baseUrl).model(model);
        OpenAiCompletionModel.Builder p = OpenAiCompletionModel.builder().baseUrl(baseUrl).model(model).echo(true)
                .capabilities(new dev.logprobs4j.Capabilities(true, 20, true, false));
        if (apiKey != null) {
            c.apiKey(apiKey);
            p.apiKey(apiKey);
        }
        this.chat = c.build();
        this.completions = p.build();
    }

    @Override
    public Scored score(String text, int topLogprobs) {
        // echo with one generated token: the answer's logprobs are the prompt's (first one left out)
        // followed by that token's, which is dropped.
        AIMessage m = completions.invoke(List.of(Message.human(text)),
                ChatOptions.builder().logprobs(true).topLogprobs(topLogprobs).maxTokens(1).temperature(0.0).build());
        List<dev.logprobs4j.TokenLogprob> all = m.logprobs().content();
        return new Scored(List.of(), Logprobs.of(all.subList(0, Math.max(0, all.size() - 1))));
    }

    @Override
    public double[] classify(String prompt, List<String> labels) {
        return LabelScorer.joint(this).logprobs(prompt, labels);
    }

    @Override
    public AIMessage generate(List<Message> messages, ChatOptions options) {
        return chat.invoke(messages, options);
    }
}
