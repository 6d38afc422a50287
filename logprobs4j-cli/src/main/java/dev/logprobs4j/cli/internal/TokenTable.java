package dev.logprobs4j.cli.internal;

import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-token table the CLI prints: index, token (whitespace made visible), logprob, probability
 * and the top alternatives ({@code tok 12.3%}). Columns are aligned by terminal display width, so
 * colour codes and wide characters do not shift them. Stateless and thread-safe.
 */
public final class TokenTable {

    /** Widest a token cell gets; longer tokens end in {@code …}. */
    static final int MAX_TOKEN_WIDTH = 24;

    private TokenTable() {
    }

    /**
     * The table of {@code logprobs.content()}, one line per token after a header line, each line
     * ending in {@code \n}; {@code firstIndex} is the number shown for the first token (the score
     * command counts unscored leading tokens too).
     */
    public static String render(Logprobs logprobs, AnsiColors colors, int firstIndex) {
        List<TokenLogprob> tokens = logprobs.content();
        int last = firstIndex + Math.max(0, tokens.size() - 1);
        int indexWidth = Math.max(1, String.valueOf(last).length());
        int tokenWidth = "token".length();
        List<String> shown = new ArrayList<>(tokens.size());
        for (TokenLogprob t : tokens) {
            String v = TokenText.truncate(TokenText.visible(t.token()), MAX_TOKEN_WIDTH);
            shown.add(v);
            tokenWidth = Math.max(tokenWidth, TokenText.displayWidth(v));
        }
        int logprobWidth = "logprob".length();
        for (TokenLogprob t : tokens) {
            logprobWidth = Math.max(logprobWidth, Numbers.logprob(t.logprob()).length());
        }
        int probWidth = "100.0%".length();
        boolean anyAlternatives = tokens.stream().anyMatch(t -> !t.topLogprobs().isEmpty());

        StringBuilder out = new StringBuilder();
        String header = TokenText.padLeft("#", indexWidth) + "  " + TokenText.padRight("token", tokenWidth) + "  "
                + TokenText.padLeft("logprob", logprobWidth) + "  " + TokenText.padLeft("prob", probWidth)
                + (anyAlternatives ? "  top alternatives" : "");
        out.append(colors.dim(header)).append('\n');
        for (int i = 0; i < tokens.size(); i++) {
            TokenLogprob t = tokens.get(i);
            double p = t.probability();
            out.append(TokenText.padLeft(String.valueOf(firstIndex + i), indexWidth)).append("  ");
            // Pad outside the colour codes so the padding is not coloured and widths stay exact.
            String cell = shown.get(i);
            out.append(colors.paint(cell, p)).append(" ".repeat(tokenWidth - TokenText.displayWidth(cell))).append("  ");
            out.append(TokenText.padLeft(Numbers.logprob(t.logprob()), logprobWidth)).append("  ");
            out.append(colors.paint(TokenText.padLeft(Numbers.percent(p), probWidth), p));
            if (!t.topLogprobs().isEmpty()) {
                out.append("  ").append(alternatives(t.topLogprobs(), colors));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The alternatives as {@code tok 12.3%}, two spaces apart, most likely first. */
    static String alternatives(List<TopLogprob> alternatives, AnsiColors colors) {
        StringBuilder out = new StringBuilder();
        for (TopLogprob alt : alternatives) {
            if (!out.isEmpty()) {
                out.append("  ");
            }
            out.append(TokenText.truncate(TokenText.visible(alt.token()), MAX_TOKEN_WIDTH)).append(' ')
                    .append(colors.dim(alt.isVeryUnlikely() ? "n/a" : Numbers.percent(alt.probability())));
        }
        return out.toString();
    }
}
