package dev.logprobs4j.tokenizer.internal;

/**
 * Hand-written matcher for the GPT-2 pre-tokenizer regex
 * <pre>{@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)}</pre>
 * Whitespace the regex leaves unmatched (a single one before a non-space) forms a chunk of its
 * own, as llama.cpp keeps unmatched text. Immutable, thread-safe.
 */
public final class Gpt2Splitter implements PreTokenizer {

    @Override
    public void split(String text, int from, int to, IntList chunkEnds) {
        CodePoints t = new CodePoints(text, from, to);
        int pos = 0;
        while (pos < t.n) {
            int end = matchAt(t, pos);
            chunkEnds.add(t.charAt[end]);
            pos = end;
        }
    }

    private static int matchAt(CodePoints t, int pos) {
        int n = t.n;
        int c = t.cp[pos];
        if (c == '\'' && pos + 1 < n) {
            int c1 = t.cp[pos + 1];
            if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
                return pos + 2;
            }
            if (pos + 2 < n) {
                int c2 = t.cp[pos + 2];
                if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                    return pos + 3;
                }
            }
        }
        // ' ?\p{L}+', ' ?\p{N}+' and ' ?[^\s\p{L}\p{N}]+' share their shape
        int start = c == ' ' ? pos + 1 : pos;
        byte k = t.clsAt(start);
        if (k == CharClass.LETTER || k == CharClass.NUMBER || k == CharClass.OTHER) {
            int e = start + 1;
            while (t.clsAt(e) == k) {
                e++;
            }
            return e;
        }
        int e = pos;
        while (t.clsAt(e) == CharClass.WHITESPACE) {
            e++;
        }
        if (e - pos > 1 && e < n) {
            return e - 1;
        }
        if (e > pos) {
            return e;
        }
        return pos + 1;
    }
}
