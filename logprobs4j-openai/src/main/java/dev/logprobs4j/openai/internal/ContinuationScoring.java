package dev.logprobs4j.openai.internal;

import dev.logprobs4j.AIMessage;
import dev.logprobs4j.LabelScores;
import dev.logprobs4j.TokenLogprob;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Label scores from a server that returns the logprobs of a prompt's own tokens (vLLM's
 * {@code prompt_logprobs}, completions with {@code echo}): one request for the prompt and one per
 * label with the label appended; a label's tokens are those of {@code prompt + label} after the
 * tokens the two share, and its logprob is their sum, as on the local engine. Stateless.
 */
public final class ContinuationScoring {

    private ContinuationScoring() {
    }

    /**
     * Scores {@code labels}.
     *
     * @param promptTokens the scored tokens of a request for {@code text} (the prompt, or the prompt
     *                     and a label), in order; the first token of the text is unscored and absent
     */
    public static LabelScores score(String prompt, List<String> labels, Function<String, List<TokenLogprob>> promptTokens) {
        LabelScores.checkLabels(labels);
        List<TokenLogprob> base = promptTokens.apply(prompt);
        double[] logprobs = new double[labels.size()];
        int[] counts = new int[labels.size()];
        int[] ranks = new int[labels.size()];
        for (int i = 0; i < labels.size(); i++) {
            List<TokenLogprob> joined = promptTokens.apply(prompt + labels.get(i));
            int k = 0;
            while (k < base.size() && k < joined.size() && same(base.get(k), joined.get(k))) {
                k++;
            }
            if (k == joined.size()) {
                throw new IllegalArgumentException("label '" + labels.get(i) + "' adds no token after the prompt");
            }
            double sum = 0;
            for (int j = k; j < joined.size(); j++) {
                sum += joined.get(j).logprob();
            }
            logprobs[i] = Math.min(0, sum);
            counts[i] = joined.size() - k;
            ranks[i] = joined.get(k).rank();
        }
        return LabelScores.exact(labels, logprobs, counts, ranks);
    }

    private static boolean same(TokenLogprob a, TokenLogprob b) {
        if (a.hasTokenId() && b.hasTokenId()) {
            return a.tokenId() == b.tokenId();
        }
        return a.token().equals(b.token()) && Arrays.equals(a.bytes(), b.bytes());
    }

    /** The echoed prompt's scored tokens of a completions answer: all but the generated ones at the end. */
    public static List<TokenLogprob> echoedPrompt(AIMessage answer) {
        List<TokenLogprob> all = answer.logprobs().content();
        long generated = answer.usage() == null ? 1 : answer.usage().completionTokens();
        return all.subList(0, (int) Math.max(0, all.size() - generated));
    }
}
