package dev.logprobs4j.tokenizer.internal;

/**
 * Hand-written matcher for the Llama 3 / Qwen 2 pre-tokenizer regex
 * <pre>{@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,K}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}</pre>
 * with K = 3 for Llama 3 ({@code llama-bpe}) and K = 1 for Qwen 2 ({@code qwen2}), where
 * {@code \s} is Unicode White_Space and the case-insensitive contractions are ASCII-only (as in
 * llama.cpp's rewrite {@code '[sS]|'[tT]|...}). Written by hand rather than with
 * {@link java.util.regex} because it is several times faster on long texts; the unit tests check
 * it against {@code java.util.regex} with {@code UNICODE_CHARACTER_CLASS}. Immutable, thread-safe.
 */
public final class Llama3Splitter implements PreTokenizer {
    private final int maxDigits;

    public Llama3Splitter(int maxDigits) {
        if (maxDigits < 1) {
            throw new IllegalArgumentException("maxDigits must be >= 1, was " + maxDigits);
        }
        this.maxDigits = maxDigits;
    }

    @Override
    public void split(String text, int from, int to, IntList chunkEnds) {
        CodePoints t = new CodePoints(text, from, to);
        int n = t.n;
        int pos = 0;
        while (pos < n) {
            int end = matchAt(t, pos);
            chunkEnds.add(t.charAt[end]);
            pos = end;
        }
    }

    /** Returns the end of the alternative that matches at {@code pos} (always > pos). */
    private int matchAt(CodePoints t, int pos) {
        int n = t.n;
        int c = t.cp[pos];
        byte k = t.cls[pos];

        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && pos + 1 < n) {
            int c1 = asciiLower(t.cp[pos + 1]);
            if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
                return pos + 2;
            }
            if (pos + 2 < n) {
                int c2 = asciiLower(t.cp[pos + 2]);
                if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                    return pos + 3;
                }
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+
        if (c != '\r' && c != '\n' && k != CharClass.NUMBER
                && (k == CharClass.LETTER || t.clsAt(pos + 1) == CharClass.LETTER)) {
            int e = pos + 1;
            while (t.clsAt(e) == CharClass.LETTER) {
                e++;
            }
            return e;
        }

        // \p{N}{1,K}
        if (k == CharClass.NUMBER) {
            int e = pos + 1;
            while (e - pos < maxDigits && t.clsAt(e) == CharClass.NUMBER) {
                e++;
            }
            return e;
        }

        // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
        int start = c == ' ' ? pos + 1 : pos;
        if (t.clsAt(start) == CharClass.OTHER) {
            int e = start + 1;
            while (t.clsAt(e) == CharClass.OTHER) {
                e++;
            }
            while (t.isCrOrLf(e)) {
                e++;
            }
            return e;
        }

        // \s*[\r\n]+ takes the whitespace run up to its last CR/LF
        int e = pos;
        int afterLastNewline = -1;
        while (t.clsAt(e) == CharClass.WHITESPACE) {
            if (t.cp[e] == '\r' || t.cp[e] == '\n') {
                afterLastNewline = e + 1;
            }
            e++;
        }
        if (afterLastNewline > 0) {
            return afterLastNewline;
        }
        // \s+(?!\S): a run before a non-space leaves its last whitespace to the next chunk
        if (e - pos > 1 && e < n) {
            return e - 1;
        }
        // \s+
        if (e > pos) {
            return e;
        }
        // nothing matched: the character forms a chunk of its own
        return pos + 1;
    }

    static int asciiLower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
