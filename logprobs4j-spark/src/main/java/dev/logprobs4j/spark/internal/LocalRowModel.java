package dev.logprobs4j.spark.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import java.util.List;

/**
 * The executor's shared {@link LocalChatModel} as a {@link RowModel}. Generations of concurrent rows
 * share decode steps and texts to score share forward passes (the engine packs concurrent calls);
 * label prefills take turns per engine, since each already splits across every engine thread and
 * concurrent ones would only compete for the cores. Thread-safe.
 */
public record LocalRowModel(LocalChatModel model) implements RowModel {

    private static final java.util.Map<LocalChatModel, Object> PREFILL =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private Object prefill() {
        return PREFILL.computeIfAbsent(model, m -> new Object());
    }

    @Override
    public Scored score(String text, int topLogprobs) {
        PromptScore s = model.score(text, topLogprobs);
        return new Scored(s.unscored(), s.scored());
    }

    /** The engine's own label scoring: the prompt is prefilled once and each label fed after it. */
    @Override
    public double[] classify(String prompt, List<String> labels) {
        dev.logprobs4j.LabelScores scores;
        synchronized (prefill()) {
            scores = model.classify(prompt, labels);
        }
        double[] out = new double[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = scores.get(labels.get(i)).logprob();
        }
        return out;
    }

    @Override
    public AIMessage generate(List<Message> messages, ChatOptions options) {
        return model.invoke(messages, options);
    }
}
