package dev.logprobs4j;

import dev.logprobs4j.internal.AppendList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The log probabilities of one generated answer: an immutable value, OpenAI's {@code logprobs}
 * object ({@code content}, and {@code refusal} when the model refused), with helpers that read it.
 *
 * <p>Helpers skip OpenAI's {@link TokenLogprob#VERY_UNLIKELY} markers: they are not measurements.
 * {@link #unknownCount()} says how many were skipped.
 *
 * @param content the generated tokens in order (empty, never null, when there are none yet)
 * @param refusal the tokens of a refusal message, or {@code null} when the model did not refuse
 */
public record Logprobs(List<TokenLogprob> content, List<TokenLogprob> refusal) {

    /** No tokens: what the first streamed chunk carries. */
    public static final Logprobs EMPTY = new Logprobs(List.of(), null);

    public Logprobs {
        content = content == null ? AppendList.empty() : AppendList.copyOf(content);
        refusal = refusal == null ? null : AppendList.copyOf(refusal);
    }

    /** Logprobs of generated content only. */
    public static Logprobs of(List<TokenLogprob> content) {
        return new Logprobs(content, null);
    }

    /**
     * These logprobs followed by {@code next}'s, as streamed chunks add up. Amortised
     * O(size of {@code next}): adding n one-token chunks one by one costs O(n) in all.
     */
    public Logprobs concat(Logprobs next) {
        if (next == null) {
            return this;
        }
        List<TokenLogprob> mergedContent = ((AppendList<TokenLogprob>) content).concat(next.content);
        List<TokenLogprob> mergedRefusal;
        if (refusal == null) {
            mergedRefusal = next.refusal;
        } else if (next.refusal == null) {
            mergedRefusal = refusal;
        } else {
            mergedRefusal = ((AppendList<TokenLogprob>) refusal).concat(next.refusal);
        }
        return new Logprobs(mergedContent, mergedRefusal);
    }

    /** Number of content tokens. */
    public int size() {
        return content.size();
    }

    /** Sum of the content tokens' logprobs (the log probability of the whole answer), markers skipped. */
    public double totalLogprob() {
        double sum = 0;
        for (TokenLogprob t : content) {
            if (!t.isVeryUnlikely()) {
                sum += t.logprob();
            }
        }
        return sum;
    }

    /** How many content tokens carry the {@link TokenLogprob#VERY_UNLIKELY} marker instead of a value. */
    public int unknownCount() {
        int n = 0;
        for (TokenLogprob t : content) {
            if (t.isVeryUnlikely()) {
                n++;
            }
        }
        return n;
    }

    /** Mean logprob per measured token; {@code NaN} when there is none. */
    public double meanLogprob() {
        int measured = content.size() - unknownCount();
        return measured == 0 ? Double.NaN : totalLogprob() / measured;
    }

    /** Perplexity, {@code exp(-meanLogprob())}; {@code NaN} when no token was measured. */
    public double perplexity() {
        return Math.exp(-meanLogprob());
    }

    /** Each content token's probability, in order (0 for markers). */
    public double[] probabilities() {
        double[] p = new double[content.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = content.get(i).probability();
        }
        return p;
    }

    /** Each content token's entropy estimate ({@link TokenLogprob#entropyEstimate()}), in order. */
    public double[] entropies() {
        double[] h = new double[content.size()];
        for (int i = 0; i < h.length; i++) {
            h[i] = content.get(i).entropyEstimate();
        }
        return h;
    }

    /** The {@code k} least likely content tokens, least likely first (ties keep text order). */
    public List<TokenLogprob> leastConfident(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, was " + k);
        }
        List<TokenLogprob> sorted = new ArrayList<>(content);
        sorted.sort(Comparator.comparingDouble(TokenLogprob::logprob));
        return List.copyOf(sorted.subList(0, Math.min(k, sorted.size())));
    }

    /**
     * The {@code k} least confident non-overlapping runs of {@code length} consecutive tokens, by
     * mean logprob, least confident first. Shorter answers give one span of all tokens.
     */
    public List<Span> leastConfidentSpans(int k, int length) {
        if (k < 0 || length < 1) {
            throw new IllegalArgumentException("need k >= 0 and length >= 1, were k=" + k + ", length=" + length);
        }
        int n = content.size();
        if (n == 0 || k == 0) {
            return List.of();
        }
        int window = Math.min(length, n);
        double[] prefix = new double[n + 1];
        for (int i = 0; i < n; i++) {
            TokenLogprob t = content.get(i);
            prefix[i + 1] = prefix[i] + (t.isVeryUnlikely() ? 0 : t.logprob());
        }
        List<Span> candidates = new ArrayList<>();
        for (int start = 0; start + window <= n; start++) {
            candidates.add(span(start, start + window, (prefix[start + window] - prefix[start]) / window));
        }
        candidates.sort(Comparator.comparingDouble(Span::meanLogprob));
        List<Span> chosen = new ArrayList<>();
        for (Span s : candidates) {
            if (chosen.size() == k) {
                break;
            }
            boolean overlaps = chosen.stream().anyMatch(c -> s.start() < c.end() && c.start() < s.end());
            if (!overlaps) {
                chosen.add(s);
            }
        }
        return List.copyOf(chosen);
    }

    private Span span(int start, int end, double mean) {
        StringBuilder text = new StringBuilder();
        for (int i = start; i < end; i++) {
            text.append(content.get(i).token());
        }
        return new Span(start, end, text.toString(), mean);
    }

    /**
     * Probability of each label, read from the FIRST content token's alternatives: the way to score
     * a classification answer ("Positive"/"Negative") with one call. An alternative counts for a
     * label when its text, trimmed and case-folded, is a non-empty prefix of exactly that one label
     * (an alternative that fits several labels counts for none). The chosen token counts too when
     * it is not among the alternatives. Values are the summed probabilities, not renormalised; see
     * {@link #choiceProbabilities(Collection)}.
     *
     * @throws IllegalStateException when there are no content tokens
     */
    public Map<String, Double> labelProbabilities(Collection<String> labels) {
        if (content.isEmpty()) {
            throw new IllegalStateException("no content tokens to score labels with");
        }
        TokenLogprob first = content.get(0);
        Map<String, Double> result = new LinkedHashMap<>();
        List<String> folded = new ArrayList<>();
        for (String label : labels) {
            String f = label.strip().toLowerCase(Locale.ROOT);
            if (f.isEmpty()) {
                throw new IllegalArgumentException("labels must not be blank");
            }
            folded.add(f);
            result.put(label, 0.0);
        }
        List<String> labelList = new ArrayList<>(labels);
        boolean chosenListed = false;
        for (TopLogprob alt : first.topLogprobs()) {
            chosenListed |= alt.token().equals(first.token());
            credit(result, labelList, folded, alt.token(), alt.isVeryUnlikely() ? 0 : alt.probability());
        }
        if (!chosenListed) {
            credit(result, labelList, folded, first.token(), first.probability());
        }
        return result;
    }

    /**
     * {@link #labelProbabilities(Collection)} renormalised to sum to 1 over the labels; all
     * {@code NaN} when no alternative matched any label.
     */
    public Map<String, Double> choiceProbabilities(Collection<String> labels) {
        Map<String, Double> raw = labelProbabilities(labels);
        double total = raw.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<String, Double> normalised = new LinkedHashMap<>();
        raw.forEach((label, p) -> normalised.put(label, total > 0 ? p / total : Double.NaN));
        return normalised;
    }

    private static void credit(Map<String, Double> result, List<String> labels, List<String> folded,
                               String token, double p) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            return;
        }
        int match = -1;
        for (int i = 0; i < folded.size(); i++) {
            if (folded.get(i).startsWith(t)) {
                if (match >= 0) {
                    return; // ambiguous: fits several labels
                }
                match = i;
            }
        }
        if (match >= 0) {
            result.merge(labels.get(match), p, Double::sum);
        }
    }

    /**
     * A run of consecutive tokens: immutable.
     *
     * @param start      index of the first token
     * @param end        index after the last token
     * @param text       the tokens' text joined
     * @param meanLogprob mean logprob of the run's tokens
     */
    public record Span(int start, int end, String text, double meanLogprob) {
    }
}
