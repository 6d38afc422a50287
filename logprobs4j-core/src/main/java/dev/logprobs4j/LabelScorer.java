package dev.logprobs4j;

import java.util.List;

/**
 * A model that can score given labels as continuations of a prompt ({@link LabelScores.Method#EXACT}
 * for the local engine, vLLM and completions with {@code echo}); {@link #classify(ChatModel, List, List)}
 * scores with any chat model, falling back to lower bounds from the first answer token.
 *
 * {@snippet :
 * LabelScores s = LabelScorer.classify(llm, List.of(Message.human("Is this review positive? 'Great!'")),
 *         List.of("Yes", "No"));
 * s.best().label();        // the most likely label
 * s.distribution();        // {Yes=0.97, No=0.03}, normalised over the labels
 * }
 *
 * <p><b>Tokenisation.</b> A label is scored as the text that follows the prompt: its tokens are
 * those that the tokenisation of {@code prompt + label} has after the prompt's tokens, and its
 * logprob is {@code log P(prompt + label) - log P(prompt)}. Put a leading space in a label when the
 * answer would have one ({@code " girl"} after {@code "a little"}).
 */
public interface LabelScorer {

    /**
     * Each label as the start of the assistant's answer to {@code messages} (rendered with the model's
     * chat template).
     *
     * @throws IllegalArgumentException when {@code labels} is empty, holds an empty string or a duplicate
     */
    LabelScores classify(List<Message> messages, List<String> labels);

    /**
     * Each label as the continuation of {@code prompt}: raw text for completion-style models (the
     * local engine, {@code /v1/completions}), one user message for chat-only models.
     */
    LabelScores classify(String prompt, List<String> labels);

    /**
     * Scores {@code labels} with any chat model: exactly when it is a {@link LabelScorer}, else from
     * one answer token's {@code top_logprobs} (as many as the model gives, at most 20, at temperature
     * 0), as {@link LabelScores.Method#FIRST_TOKEN_LOWER_BOUND lower bounds}.
     *
     * @throws UnsupportedCapabilityException when the model returns no logprobs at all
     */
    static LabelScores classify(ChatModel model, List<Message> messages, List<String> labels) {
        if (model instanceof LabelScorer scorer) {
            return scorer.classify(messages, labels);
        }
        return firstTokenLowerBound(model, messages, labels);
    }

    /** The fallback of {@link #classify(ChatModel, List, List)}, for models that cannot score continuations. */
    static LabelScores firstTokenLowerBound(ChatModel model, List<Message> messages, List<String> labels) {
        LabelScores.checkLabels(labels);
        int k = Math.min(ChatOptions.MAX_TOP_LOGPROBS, model.capabilities().maxTopLogprobs());
        ChatOptions options = ChatOptions.builder().logprobs(true).topLogprobs(k).maxTokens(1).temperature(0).build();
        return LabelScores.fromFirstToken(model.invoke(messages, options), labels);
    }
}
