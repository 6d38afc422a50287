package dev.logprobs4j.spark.internal;

import java.util.List;

/**
 * The logprob of each label as the continuation of a prompt from prompt scoring alone: how the
 * {@code classify} mode ranks labels on an endpoint (the local engine uses
 * {@code LocalChatModel.classify}, which prefills the prompt once).
 */
public interface LabelScorer {

    /** One logprob per label, in the labels' order. */
    double[] logprobs(String prompt, List<String> labels);

    /**
     * {@code log P(prompt + label) - log P(prompt)} from prompt scoring: both sums start at the same
     * token, so the difference is the label's tokens given the prompt (a label that changes how the
     * prompt's last token splits is scored with that split).
     */
    static LabelScorer joint(RowModel model) {
        return (prompt, labels) -> {
            double base = model.score(prompt, 0).scored().totalLogprob();
            double[] out = new double[labels.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = model.score(prompt + labels.get(i), 0).scored().totalLogprob() - base;
            }
            return out;
        };
    }
}
