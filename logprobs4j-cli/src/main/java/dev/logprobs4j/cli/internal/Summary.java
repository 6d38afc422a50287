package dev.logprobs4j.cli.internal;

import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import java.util.List;

/** The one-line summary under the token table: stateless and thread-safe. */
public final class Summary {

    /** Tokens in a "least confident span". */
    public static final int SPAN_LENGTH = 4;

    private Summary() {
    }

    /**
     * {@code tokens 16 · total logprob -3.1416 · perplexity 1.2170 · least confident span #4-7 "·Lily." (geometric mean p 41.2%)},
     * the span's indexes shifted by {@code firstIndex}.
     */
    public static String line(Logprobs logprobs, AnsiColors colors, int firstIndex) {
        StringBuilder out = new StringBuilder();
        out.append("tokens ").append(logprobs.size());
        if (logprobs.unknownCount() > 0) {
            out.append(" (").append(logprobs.unknownCount()).append(" without a value)");
        }
        out.append(" · total logprob ").append(Numbers.stat(logprobs.totalLogprob()));
        out.append(" · perplexity ").append(Numbers.stat(logprobs.perplexity()));
        List<Logprobs.Span> spans = logprobs.leastConfidentSpans(1, SPAN_LENGTH);
        if (!spans.isEmpty()) {
            Logprobs.Span s = spans.get(0);
            double meanP = Math.exp(s.meanLogprob());
            out.append(" · least confident span #").append(firstIndex + s.start()).append('-')
                    .append(firstIndex + s.end() - 1).append(" \"")
                    .append(colors.paint(TokenText.visible(s.text()), meanP)).append("\" (geometric mean p ")
                    .append(Numbers.percent(meanP)).append(')');
        }
        return out.toString();
    }

    /**
     * The same line for a token stream too long to keep: fed token by token, it keeps the totals and
     * the last {@link #SPAN_LENGTH} tokens only. Its line equals {@link #line} over the same tokens.
     * Not thread-safe.
     */
    public static final class Running {
        private final TokenLogprob[] last = new TokenLogprob[SPAN_LENGTH];
        /** Prefix sums of the last SPAN_LENGTH + 1 positions: spans are differences of them, as in Logprobs. */
        private final double[] prefix = new double[SPAN_LENGTH + 1];
        private long count;
        private long unknown;
        private double total;
        private double bestMean = Double.POSITIVE_INFINITY;
        private long bestStart = -1;
        private String bestText;

        /** Adds the next token. */
        public void add(TokenLogprob t) {
            double value = t.isVeryUnlikely() ? 0 : t.logprob();
            if (t.isVeryUnlikely()) {
                unknown++;
            } else {
                total += value;
            }
            last[(int) (count % SPAN_LENGTH)] = t;
            double before = prefix[(int) (count % (SPAN_LENGTH + 1))];
            count++;
            double now = before + value;
            prefix[(int) (count % (SPAN_LENGTH + 1))] = now;
            if (count >= SPAN_LENGTH) {
                double mean = (now - prefix[(int) ((count - SPAN_LENGTH) % (SPAN_LENGTH + 1))]) / SPAN_LENGTH;
                // Strictly smaller: on ties the earliest span wins, as in Logprobs.leastConfidentSpans.
                if (mean < bestMean) {
                    bestMean = mean;
                    bestStart = count - SPAN_LENGTH;
                    StringBuilder text = new StringBuilder();
                    for (long i = bestStart; i < count; i++) {
                        text.append(last[(int) (i % SPAN_LENGTH)].token());
                    }
                    bestText = text.toString();
                }
            }
        }

        /** The summary line; indexes shifted by {@code firstIndex}. */
        public String line(AnsiColors colors, int firstIndex) {
            StringBuilder out = new StringBuilder();
            out.append("tokens ").append(count);
            if (unknown > 0) {
                out.append(" (").append(unknown).append(" without a value)");
            }
            long known = count - unknown;
            out.append(" · total logprob ").append(Numbers.stat(known == 0 ? 0 : total));
            out.append(" · perplexity ").append(Numbers.stat(known == 0 ? Double.NaN : Math.exp(-total / known)));
            long start = bestStart;
            double mean = bestMean;
            String text = bestText;
            if (count > 0 && count < SPAN_LENGTH) {
                // Fewer tokens than a span: the one span is all of them, as Logprobs does it.
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    all.append(last[i].token());
                }
                start = 0;
                mean = prefix[(int) count] / count;
                text = all.toString();
            }
            if (start >= 0) {
                double meanP = Math.exp(mean);
                long end = start + Math.min(count, SPAN_LENGTH) - 1;
                out.append(" · least confident span #").append(firstIndex + start).append('-').append(firstIndex + end)
                        .append(" \"").append(colors.paint(TokenText.visible(text), meanP)).append("\" (geometric mean p ")
                        .append(Numbers.percent(meanP)).append(')');
            }
            return out.toString();
        }
    }
}
