package dev.logprobs4j.cli.internal;

import java.util.Locale;

/**
 * Text helpers for showing tokens: visible whitespace, terminal display widths and HTML escaping.
 * Stateless and thread-safe.
 */
public final class TokenText {

    private TokenText() {
    }

    /**
     * The token with its invisible characters made visible, so a table shows what the model chose:
     * space as {@code ·}, newline as {@code ⏎}, tab as {@code ⇥}, carriage return as {@code ␍},
     * other control characters as {@code \xNN}, and the empty token as {@code ∅}.
     */
    public static String visible(String token) {
        if (token.isEmpty()) {
            return "∅";
        }
        StringBuilder out = new StringBuilder(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            switch (c) {
                case ' ' -> out.append('·');
                case '\n' -> out.append('⏎');
                case '\t' -> out.append('⇥');
                case '\r' -> out.append('␍');
                default -> {
                    if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0) {
                        out.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
                    } else if (Character.isSurrogate(c) && !pairedSurrogateAt(token, i)) {
                        out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** Columns {@code s} takes on a terminal: wide (East Asian, emoji) code points count 2, combining marks 0. */
    public static int displayWidth(String s) {
        int width = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            width += codePointWidth(cp);
        }
        return width;
    }

    /** {@code s} cut to at most {@code max} columns, ending in {@code …} when cut. */
    public static String truncate(String s, int max) {
        if (displayWidth(s) <= max) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        int width = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int w = codePointWidth(cp);
            if (width + w > max - 1) {
                break;
            }
            out.appendCodePoint(cp);
            width += w;
            i += Character.charCount(cp);
        }
        return out.append('…').toString();
    }

    /** {@code s} followed by spaces up to {@code width} columns. */
    public static String padRight(String s, int width) {
        int pad = width - displayWidth(s);
        return pad <= 0 ? s : s + " ".repeat(pad);
    }

    /** {@code s} preceded by spaces up to {@code width} columns. */
    public static String padLeft(String s, int width) {
        int pad = width - displayWidth(s);
        return pad <= 0 ? s : " ".repeat(pad) + s;
    }

    /** {@code s} safe inside HTML text and double- or single-quoted attribute values. */
    public static String html(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    // Lone surrogates and NUL are not valid in an HTML document: show U+FFFD instead.
                    if (c == 0 || Character.isSurrogate(c) && !pairedSurrogateAt(s, i)) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int codePointWidth(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || cp == 0x200B) {
            return 0;
        }
        boolean wide = cp >= 0x1100 && (cp <= 0x115F
                || cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F
                || cp >= 0xAC00 && cp <= 0xD7A3
                || cp >= 0xF900 && cp <= 0xFAFF
                || cp >= 0xFE30 && cp <= 0xFE4F
                || cp >= 0xFF00 && cp <= 0xFF60
                || cp >= 0xFFE0 && cp <= 0xFFE6
                || cp >= 0x1F300 && cp <= 0x1F64F
                || cp >= 0x1F900 && cp <= 0x1F9FF
                || cp >= 0x20000 && cp <= 0x3FFFD);
        return wide ? 2 : 1;
    }

    private static boolean pairedSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
