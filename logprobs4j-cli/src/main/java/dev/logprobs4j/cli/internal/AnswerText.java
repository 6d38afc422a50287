package dev.logprobs4j.cli.internal;

import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;

/** The answer's text coloured token by token: stateless and thread-safe. */
public final class AnswerText {

    private AnswerText() {
    }

    /**
     * {@code text} with each token in its confidence colour. When the tokens do not spell the text
     * exactly (a token holding part of a UTF-8 character is written as {@code \xNN}), the text is
     * kept as it is and coloured by its least likely token, so the user never sees escapes instead of
     * their characters.
     */
    public static String paint(String text, Logprobs logprobs, AnsiColors colors) {
        if (!colors.enabled() || logprobs.content().isEmpty()) {
            return text;
        }
        StringBuilder joined = new StringBuilder(text.length());
        double minP = 1;
        for (TokenLogprob t : logprobs.content()) {
            joined.append(t.token());
            minP = Math.min(minP, t.probability());
        }
        if (!joined.toString().equals(text)) {
            return colors.paint(text, minP);
        }
        StringBuilder out = new StringBuilder(text.length() * 3);
        for (TokenLogprob t : logprobs.content()) {
            out.append(colors.paint(t.token(), t.probability()));
        }
        return out.toString();
    }
}
