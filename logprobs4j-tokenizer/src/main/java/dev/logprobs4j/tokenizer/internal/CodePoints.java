package dev.logprobs4j.tokenizer.internal;

/** Code points, their {@link CharClass} and char offsets of one span of text. Mutable, per call. */
final class CodePoints {
    final int[] cp;
    final byte[] cls;
    /** Char offset of code point i; entry n is the span's end. */
    final int[] charAt;
    final int n;

    CodePoints(String text, int from, int to) {
        int count = Character.codePointCount(text, from, to);
        cp = new int[count];
        cls = new byte[count];
        charAt = new int[count + 1];
        int i = 0;
        for (int c = from; c < to; ) {
            int v = text.codePointAt(c);
            cp[i] = v;
            cls[i] = CharClass.of(v);
            charAt[i] = c;
            c += Character.charCount(v);
            i++;
        }
        charAt[count] = to;
        n = count;
    }

    /** Class at position p, or {@link CharClass#NONE} outside the span. */
    byte clsAt(int p) {
        return p >= 0 && p < n ? cls[p] : CharClass.NONE;
    }

    boolean isCrOrLf(int p) {
        return p < n && (cp[p] == '\r' || cp[p] == '\n');
    }
}
