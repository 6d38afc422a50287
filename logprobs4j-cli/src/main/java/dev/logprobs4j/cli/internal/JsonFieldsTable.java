package dev.logprobs4j.cli.internal;

import dev.logprobs4j.JsonConfidence;
import dev.logprobs4j.JsonConfidence.Field;
import dev.logprobs4j.TopLogprob;
import java.util.List;

/**
 * The {@code --json-fields} table: one line per key and leaf value of a JSON answer with its path,
 * value, joint and minimum probability of the tokens it owns, and the token that decided it with
 * its alternatives (see {@link JsonConfidence}). Stateless and thread-safe.
 */
public final class JsonFieldsTable {

    static final int MAX_VALUE_WIDTH = 28;

    private JsonFieldsTable() {
    }

    public static String render(JsonConfidence c, AnsiColors colors) {
        List<Field> fields = c.fields();
        int pathWidth = "path".length();
        int valueWidth = "value".length();
        for (Field f : fields) {
            pathWidth = Math.max(pathWidth, TokenText.displayWidth(f.path()));
            valueWidth = Math.max(valueWidth, TokenText.displayWidth(shown(f)));
        }
        StringBuilder out = new StringBuilder();
        out.append(colors.dim(TokenText.padRight("path", pathWidth) + "  kind     " + TokenText.padRight("value", valueWidth)
                + "   joint p    min p  bytes     deciding token and alternatives")).append('\n');
        for (Field f : fields) {
            double joint = f.ownedTokens() == 0 ? Double.NaN : Math.exp(f.jointLogprob());
            out.append(TokenText.padRight(f.path(), pathWidth)).append("  ")
                    .append(TokenText.padRight(f.kind().name().toLowerCase(java.util.Locale.ROOT), 7)).append("  ");
            String value = shown(f);
            out.append(Double.isNaN(joint) ? value : colors.paint(value, joint)).append(" ".repeat(valueWidth - TokenText.displayWidth(value)));
            out.append(TokenText.padLeft(Double.isNaN(joint) ? "-" : Numbers.percent(joint), 10));
            out.append(TokenText.padLeft(f.ownedTokens() == 0 ? "-" : Numbers.percent(Math.exp(f.minLogprob())), 9));
            out.append("  ").append(TokenText.padRight(f.start() + "-" + f.end(), 8)).append("  ");
            out.append(TokenText.visible(f.decision().token())).append(' ').append(colors.dim(Numbers.percent(f.decision().probability())));
            List<TopLogprob> alts = f.decision().alternatives();
            if (!alts.isEmpty()) {
                out.append(colors.dim("  |  ")).append(TokenTable.alternatives(alts.subList(0, Math.min(3, alts.size())), colors));
            }
            out.append('\n');
        }
        c.error().ifPresent(e -> out.append("JSON stops early: ").append(e).append('\n'));
        return out.toString();
    }

    private static String shown(Field f) {
        return TokenText.truncate(TokenText.visible(f.text()), MAX_VALUE_WIDTH);
    }
}
