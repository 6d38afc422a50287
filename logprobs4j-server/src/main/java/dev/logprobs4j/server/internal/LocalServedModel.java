package dev.logprobs4j.server.internal;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.ChatStream;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.Message;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import dev.logprobs4j.server.PromptLogprobs;
import dev.logprobs4j.server.ServedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LocalChatModel} as a {@link ServedModel}. Immutable and thread-safe (each call of the
 * local model has its own session).
 */
public final class LocalServedModel implements ServedModel {

    private final LocalChatModel local;
    private final String bosText; // null when the model starts texts without BOS

    public LocalServedModel(LocalChatModel local) {
        this.local = local;
        // PromptScore leaves out the BOS it scores from; echo lists it (as vLLM does), so read its text once.
        this.bosText = local.bosText().orElse(null);
    }

    @Override
    public String modelName() {
        return local.modelName();
    }

    @Override
    public int contextLength() {
        return local.contextLength();
    }

    @Override
    public Capabilities capabilities() {
        return local.capabilities();
    }

    @Override
    public ChatStream chat(List<Message> messages, ChatOptions options) {
        return local.stream(messages, options);
    }

    @Override
    public ChatStream complete(String prompt, ChatOptions options) {
        return local.completeStream(prompt, options);
    }

    @Override
    public LabelScores classify(String prompt, List<String> labels) {
        return local.classify(prompt, labels);
    }

    @Override
    public LabelScores classify(List<Message> messages, List<String> labels) {
        return local.classify(messages, labels);
    }

    @Override
    public PromptLogprobs score(String text, int topLogprobs) {
        PromptScore score = local.score(text, topLogprobs);
        if (bosText != null && score.unscored().isEmpty()) {
            List<String> unscored = new ArrayList<>();
            unscored.add(bosText);
            return new PromptLogprobs(unscored, score.scored(), true);
        }
        return new PromptLogprobs(score.unscored(), score.scored(), false);
    }
}
