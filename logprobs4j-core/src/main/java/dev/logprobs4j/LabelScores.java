package dev.logprobs4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How likely each of a set of labels is as the continuation of a prompt: the result of
 * {@link LabelScorer#classify}. Immutable and thread-safe.
 *
 * <p>With {@link Method#EXACT} (the local engine; vLLM's {@code prompt_logprobs}; completions with
 * {@code echo}) each label's {@link LabelScore#logprob() logprob} is its joint log probability as
 * the text that follows the prompt, over all of its tokens, however unlikely: {@code
 * log P(prompt + label) - log P(prompt)}. With {@link Method#FIRST_TOKEN_LOWER_BOUND} (any other
 * model) only the first answer token's {@code top_logprobs} were seen: a label's value is the summed
 * probability of the alternatives that begin it, a lower bound of the probability that the answer
 * starts with that label, and {@link #unseenMass()} is the probability outside the alternatives,
 * which could belong to any label.
 *
 * @param labels     one score per label, in the order the labels were given
 * @param method     how the scores were obtained
 * @param unseenMass for {@link Method#FIRST_TOKEN_LOWER_BOUND}: {@code 1 - Σ p} over the first
 *                   token's alternatives; 0 for {@link Method#EXACT}
 */
public record LabelScores(List<LabelScore> labels, Method method, double unseenMass) {

    /** How label scores were obtained. */
    public enum Method {
        /** Every token of every label scored as a continuation of the prompt. */
        EXACT,
        /** Only the first answer token's top alternatives: lower bounds. */
        FIRST_TOKEN_LOWER_BOUND
    }

    /**
     * One label's score: immutable.
     *
     * @param label          the label as given
     * @param logprob        its joint logprob after the prompt (a lower bound for
     *                       {@link Method#FIRST_TOKEN_LOWER_BOUND}; negative infinity when no
     *                       alternative matched it)
     * @param probability    its share of the labels' total probability: {@code exp(logprob)} normalised
     *                       over the labels ({@code NaN} when every label has probability 0)
     * @param tokens         how many tokens the label took after the prompt (1 for the lower bound)
     * @param firstTokenRank the rank of the label's first token in the whole distribution after the
     *                       prompt (1 = most likely), or 0 when the provider did not say
     */
    public record LabelScore(String label, double logprob, double probability, int tokens, int firstTokenRank) {

        public LabelScore {
            Objects.requireNonNull(label, "label");
            if (Double.isNaN(logprob) || logprob > 1e-6) {
                throw new IllegalArgumentException("logprob must be <= 0 and not NaN, was " + logprob + " for label '" + label + "'");
            }
        }

        /** {@code exp(logprob)}: the label's own probability after the prompt (not normalised). */
        public double jointProbability() {
            return Math.exp(logprob);
        }
    }

    public LabelScores {
        labels = List.copyOf(labels);
        Objects.requireNonNull(method, "method");
    }

    /**
     * Scores from each label's joint logprob, normalised over the labels.
     *
     * @param logprobs       per label, in order
     * @param tokens         per label: how many tokens it took
     * @param firstTokenRank per label: its first token's rank, 0 when unknown
     */
    public static LabelScores exact(List<String> labels, double[] logprobs, int[] tokens, int[] firstTokenRank) {
        return new LabelScores(normalise(labels, logprobs, tokens, firstTokenRank), Method.EXACT, 0);
    }

    /**
     * Lower bounds read from the first token of {@code answer}: an alternative counts for a label
     * when its text, trimmed and case-folded, is a non-empty prefix of exactly that one label (as
     * {@link Logprobs#labelProbabilities}).
     *
     * @throws IllegalArgumentException when the answer has no token with alternatives
     */
    public static LabelScores fromFirstToken(AIMessage answer, List<String> labels) {
        checkLabels(labels);
        List<TokenLogprob> content = answer.logprobs().content();
        if (content.isEmpty()) {
            throw new IllegalArgumentException("the answer has no logprobs to read label probabilities from: ask for logprobs and top_logprobs");
        }
        Map<String, Double> found = answer.logprobs().labelProbabilities(labels);
        TokenLogprob first = content.get(0);
        double seen = 0;
        boolean chosenListed = false;
        for (TopLogprob alt : first.topLogprobs()) {
            seen += alt.isVeryUnlikely() ? 0 : alt.probability();
            chosenListed |= alt.token().equals(first.token());
        }
        if (!chosenListed) {
            seen += first.probability();
        }
        double[] logprobs = new double[labels.size()];
        int[] ones = new int[labels.size()];
        for (int i = 0; i < logprobs.length; i++) {
            logprobs[i] = Math.min(0, Math.log(found.get(labels.get(i))));
            ones[i] = 1;
        }
        return new LabelScores(normalise(labels, logprobs, ones, new int[labels.size()]), Method.FIRST_TOKEN_LOWER_BOUND,
                Math.max(0, 1 - seen));
    }

    private static List<LabelScore> normalise(List<String> labels, double[] logprobs, int[] tokens, int[] ranks) {
        checkLabels(labels);
        double max = Double.NEGATIVE_INFINITY;
        for (double lp : logprobs) {
            max = Math.max(max, lp);
        }
        double sum = 0;
        for (double lp : logprobs) {
            sum += Math.exp(lp - max);
        }
        List<LabelScore> out = new ArrayList<>(labels.size());
        for (int i = 0; i < logprobs.length; i++) {
            double p = max == Double.NEGATIVE_INFINITY ? Double.NaN : Math.exp(logprobs[i] - max) / sum;
            out.add(new LabelScore(labels.get(i), logprobs[i], p, tokens[i], ranks[i]));
        }
        return out;
    }

    /**
     * Checks a label list: at least one label, none empty, no duplicates.
     *
     * @throws IllegalArgumentException naming the offending label
     */
    public static void checkLabels(List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("labels must hold at least one label");
        }
        Set<String> seen = new HashSet<>();
        for (String label : labels) {
            if (label == null || label.isEmpty()) {
                throw new IllegalArgumentException("labels must not be empty strings");
            }
            if (!seen.add(label)) {
                throw new IllegalArgumentException("label '" + label + "' is given twice");
            }
        }
    }

    /** Whether the values are lower bounds ({@link Method#FIRST_TOKEN_LOWER_BOUND}). */
    public boolean isLowerBound() {
        return method == Method.FIRST_TOKEN_LOWER_BOUND;
    }

    /** The most likely label. */
    public LabelScore best() {
        return labels.stream().max(Comparator.comparingDouble(LabelScore::logprob)).orElseThrow();
    }

    /** The score of {@code label}. */
    public LabelScore get(String label) {
        return labels.stream().filter(l -> l.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no label '" + label + "' among " + labels.stream().map(LabelScore::label).toList()));
    }

    /** Each label's normalised probability, in the labels' order. */
    public Map<String, Double> distribution() {
        Map<String, Double> out = new LinkedHashMap<>();
        labels.forEach(l -> out.put(l.label(), l.probability()));
        return out;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("LabelScores[" + method.name().toLowerCase(Locale.ROOT));
        labels.forEach(l -> s.append(String.format(Locale.ROOT, ", %s=%.4f", l.label(), l.probability())));
        return s.append(']').toString();
    }
}
