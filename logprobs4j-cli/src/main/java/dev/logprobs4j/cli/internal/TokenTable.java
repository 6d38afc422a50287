package dev.logprobs4j.cli.internal;

import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.util.List;

/**
 * The per-token table the CLI prints: index, token (whitespace made visible), logprob, probability
 * and the top alternatives ({@code tok 12.3%}). Columns are aligned by terminal display width, so
 * colour codes and wide characters do not shift them. Stateless and thread-safe.
 */
public final class TokenTable {

    /** Widest a token cell gets; longer tokens end in {@code …}. */
    static final int MAX_TOKEN_WIDTH = 24;

    private static final int PROB_WIDTH = "100.0%".length();

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
        int tokenWidth = "token".length();
        int logprobWidth = "logprob".length();
        for (TokenLogprob t : tokens) {
            tokenWidth = Math.max(tokenWidth, TokenText.displayWidth(shown(t)));
            logprobWidth = Math.max(logprobWidth, Numbers.logprob(t.logprob()).length());
        }
        boolean anyAlternatives = tokens.stream().anyMatch(t -> !t.topLogprobs().isEmpty());
        Layout layout = new Layout(Math.max(1, String.valueOf(last).length()), tokenWidth, logprobWidth, anyAlternatives);
        StringBuilder out = new StringBuilder();
        out.append(header(layout, colors)).append('\n');
        for (int i = 0; i < tokens.size(); i++) {
            out.append(row(layout, firstIndex + i, tokens.get(i), colors)).append('\n');
        }
        return out.toString();
    }

    /**
     * Column widths of a table: fitted to its tokens by {@link #render}, or fixed up front by
     * {@link #streaming} for a table printed row by row while the tokens are still coming.
     */
    record Layout(int indexWidth, int tokenWidth, int logprobWidth, boolean alternatives) {}

    /** Widths for up to {@code rows} rows printed as they come: the widest token and logprob cells. */
    static Layout streaming(int lastIndex, boolean alternatives) {
        return new Layout(Math.max(1, String.valueOf(lastIndex).length()), MAX_TOKEN_WIDTH, "-9999.0000".length(), alternatives);
    }

    static String header(Layout layout, AnsiColors colors) {
        return colors.dim(TokenText.padLeft("#", layout.indexWidth()) + "  " + TokenText.padRight("token", layout.tokenWidth()) + "  "
                + TokenText.padLeft("logprob", layout.logprobWidth()) + "  " + TokenText.padLeft("prob", PROB_WIDTH)
                + (layout.alternatives() ? "  top alternatives" : ""));
    }

    /** One line, without its line end. */
    static String row(Layout layout, int index, TokenLogprob t, AnsiColors colors) {
        double p = t.probability();
        StringBuilder out = new StringBuilder();
        out.append(TokenText.padLeft(String.valueOf(index), layout.indexWidth())).append("  ");
        // Pad outside the colour codes so the padding is not coloured and widths stay exact.
        String cell = shown(t);
        out.append(colors.paint(cell, p)).append(" ".repeat(Math.max(0, layout.tokenWidth() - TokenText.displayWidth(cell)))).append("  ");
        out.append(TokenText.padLeft(Numbers.logprob(t.logprob()), layout.logprobWidth())).append("  ");
        out.append(colors.paint(TokenText.padLeft(Numbers.percent(p), PROB_WIDTH), p));
        if (!t.topLogprobs().isEmpty()) {
            out.append("  ").append(alternatives(t.topLogprobs(), colors));
        }
        return out.toString();
    }

    private static String shown(TokenLogprob t) {
        return TokenText.truncate(TokenText.visible(t.token()), MAX_TOKEN_WIDTH);
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
