package dev.logprobs4j.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte spans of every key and leaf value of a JSON text, with their JSONPaths: a one-pass
 * recursive-descent reader over bytes (RFC 8259), stopping at the first problem with what it has.
 * Not thread-safe while parsing; the result is immutable.
 */
public final class JsonSpans {

    private static final int MAX_DEPTH = 512;

    /**
     * One key or leaf value.
     *
     * @param kind         KEY, STRING, NUMBER, BOOLEAN, NULL, OBJECT (empty) or ARRAY (empty)
     * @param contentStart offset of the first content byte: after the opening quote of a non-empty string
     */
    public record Span(String path, String kind, int start, int end, int contentStart, String value) {
    }

    /** Where parsing stopped. */
    public record Error(int offset, String path, String message) {
    }

    /** Stops the descent at the first problem. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Error error;

        Stop(Error error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    private final byte[] b;
    private final List<Span> spans = new ArrayList<>();
    private int pos;
    private Error error;

    private JsonSpans(byte[] b) {
        this.b = b;
    }

    /** Reads the first JSON value of {@code text} (from its first brace or bracket; see {@code JsonConfidence}). */
    public static JsonSpans parse(byte[] text) {
        JsonSpans p = new JsonSpans(text);
        p.pos = firstContainer(text);
        try {
            p.skipBlanks("$");
            p.value("$", 0);
        } catch (Stop s) {
            p.error = s.error;
        }
        return p;
    }

    private static int firstContainer(byte[] text) {
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '{' || text[i] == '[') {
                return i;
            }
        }
        return 0;
    }

    public List<Span> spans() {
        return List.copyOf(spans);
    }

    /** The problem that stopped parsing, or null. */
    public Error error() {
        return error;
    }

    private void value(String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw fail(path, "nesting deeper than " + MAX_DEPTH + " levels");
        }
        if (pos >= b.length) {
            throw fail(path, "the text ends where a value should start");
        }
        switch (b[pos]) {
            case '{' -> object(path, depth);
            case '[' -> array(path, depth);
            case '"' -> {
                int start = pos;
                String s = string(path);
                spans.add(new Span(path, "STRING", start, pos, start + 1 == pos - 1 ? pos - 1 : start + 1, s));
            }
            case 't' -> literal(path, "true", "BOOLEAN");
            case 'f' -> literal(path, "false", "BOOLEAN");
            case 'n' -> literal(path, "null", "NULL");
            default -> {
                if (b[pos] == '-' || isDigit(b[pos])) {
                    number(path);
                } else {
                    throw fail(path, "unexpected " + describe(pos) + " where a value should start");
                }
            }
        }
    }

    private void object(String path, int depth) {
        int start = pos++;
        skipBlanks(path);
        if (at('}')) {
            pos++;
            spans.add(new Span(path, "OBJECT", start, pos, start, "{}"));
            return;
        }
        while (true) {
            if (!at('"')) {
                throw fail(path, pos >= b.length ? "the text ends where a key should start"
                        : "expected a key in double quotes, found " + describe(pos));
            }
            int keyStart = pos;
            String key = string(path);
            String member = member(path, key);
            spans.add(new Span(member, "KEY", keyStart, pos, keyStart + 1 == pos - 1 ? pos - 1 : keyStart + 1, key));
            skipBlanks(member);
            expect(':', member, "':' after the key");
            skipBlanks(member);
            value(member, depth + 1);
            skipBlanks(path);
            if (at(',')) {
                pos++;
                skipBlanks(path);
            } else if (at('}')) {
                pos++;
                return;
            } else {
                throw fail(path, pos >= b.length ? "the text ends inside an object (no closing '}')"
                        : "expected ',' or '}' in an object, found " + describe(pos));
            }
        }
    }

    private void array(String path, int depth) {
        int start = pos++;
        skipBlanks(path);
        if (at(']')) {
            pos++;
            spans.add(new Span(path, "ARRAY", start, pos, start, "[]"));
            return;
        }
        for (int index = 0; ; index++) {
            String element = path + "[" + index + "]";
            value(element, depth + 1);
            skipBlanks(path);
            if (at(',')) {
                pos++;
                skipBlanks(path);
            } else if (at(']')) {
                pos++;
                return;
            } else {
                throw fail(path, pos >= b.length ? "the text ends inside an array (no closing ']')"
                        : "expected ',' or ']' in an array, found " + describe(pos));
            }
        }
    }

    /** Reads a string from its opening quote to after its closing one and returns it unescaped. */
    private String string(String path) {
        pos++; // the opening quote
        StringBuilder out = new StringBuilder();
        int run = pos; // start of the bytes not yet copied
        while (true) {
            if (pos >= b.length) {
                throw fail(path, "the text ends inside a string");
            }
            int c = b[pos] & 0xff;
            if (c == '"') {
                out.append(new String(b, run, pos - run, StandardCharsets.UTF_8));
                pos++;
                return out.toString();
            }
            if (c < 0x20) {
                throw fail(path, "unescaped control character " + describe(pos) + " inside a string");
            }
            if (c != '\\') {
                pos++;
                continue;
            }
            out.append(new String(b, run, pos - run, StandardCharsets.UTF_8));
            if (pos + 1 >= b.length) {
                pos = b.length;
                throw fail(path, "the text ends inside an escape");
            }
            char e = (char) b[pos + 1];
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 6 > b.length) {
                        pos = b.length;
                        throw fail(path, "the text ends inside a \\u escape");
                    }
                    int code = 0;
                    for (int i = pos + 2; i < pos + 6; i++) {
                        int d = Character.digit((char) b[i], 16);
                        if (d < 0) {
                            pos = i;
                            throw fail(path, "invalid hex digit " + describe(i) + " in a \\u escape");
                        }
                        code = code * 16 + d;
                    }
                    out.append((char) code);
                    pos += 4;
                }
                default -> {
                    pos++;
                    throw fail(path, "invalid escape \\" + describe(pos) + " inside a string");
                }
            }
            pos += 2;
            run = pos;
        }
    }

    private void number(String path) {
        int start = pos;
        if (at('-')) {
            pos++;
        }
        if (at('0')) {
            pos++;
        } else if (digits() == 0) {
            throw numberFail(path, "a digit");
        }
        if (at('.')) {
            pos++;
            if (digits() == 0) {
                throw numberFail(path, "a digit after the decimal point");
            }
        }
        if (at('e') || at('E')) {
            pos++;
            if (at('+') || at('-')) {
                pos++;
            }
            if (digits() == 0) {
                throw numberFail(path, "a digit in the exponent");
            }
        }
        if (pos >= b.length) {
            // A number at the very end might go on: only a complete top-level scalar counts.
            if (!path.equals("$")) {
                throw fail(path, "the text ends inside a number");
            }
        }
        spans.add(new Span(path, "NUMBER", start, pos, start, new String(b, start, pos - start, StandardCharsets.US_ASCII)));
    }

    private Stop numberFail(String path, String wanted) {
        return fail(path, pos >= b.length ? "the text ends inside a number" : "expected " + wanted + " in a number, found " + describe(pos));
    }

    private int digits() {
        int n = 0;
        while (pos < b.length && isDigit(b[pos])) {
            pos++;
            n++;
        }
        return n;
    }

    private void literal(String path, String word, String kind) {
        int start = pos;
        for (int i = 0; i < word.length(); i++) {
            if (pos >= b.length) {
                throw fail(path, "the text ends inside '" + word + "'");
            }
            if (b[pos] != word.charAt(i)) {
                throw fail(path, "unexpected " + describe(pos) + " in what should be '" + word + "'");
            }
            pos++;
        }
        spans.add(new Span(path, kind, start, pos, start, word));
    }

    private void expect(char c, String path, String what) {
        if (!at(c)) {
            throw fail(path, pos >= b.length ? "the text ends where " + what + " should be" : "expected " + what + ", found " + describe(pos));
        }
        pos++;
    }

    private void skipBlanks(String path) {
        while (pos < b.length && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
            pos++;
        }
    }

    private boolean at(char c) {
        return pos < b.length && b[pos] == c;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private String describe(int at) {
        int c = b[at] & 0xff;
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
    }

    private Stop fail(String path, String message) {
        return new Stop(new Error(Math.min(pos, b.length), path, message));
    }

    /** The JSONPath of member {@code key} of the object at {@code path}. */
    static String member(String path, String key) {
        if (isIdentifier(key)) {
            return path + "." + key;
        }
        return path + "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    private static boolean isIdentifier(String key) {
        if (key.isEmpty() || !(Character.isLetter(key.charAt(0)) || key.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
