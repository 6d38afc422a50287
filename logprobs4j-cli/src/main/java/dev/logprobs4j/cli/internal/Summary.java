package dev.logprobs4j.cli.internal;

import dev.logprobs4j.Logprobs;
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
}
