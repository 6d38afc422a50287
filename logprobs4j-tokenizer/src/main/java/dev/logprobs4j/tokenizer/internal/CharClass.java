package dev.logprobs4j.tokenizer.internal;

/**
 * Code point classes the BPE pre-tokenizer regexes distinguish: {@code \s}, {@code \p{L}},
 * {@code \p{N}} and everything else. Whitespace is the Unicode White_Space property, which is the
 * set llama.cpp uses (Java's {@link Character#isWhitespace} differs: it excludes U+00A0 and
 * includes U+001C..U+001F). Stateless, thread-safe.
 */
public final class CharClass {
    public static final byte OTHER = 0;
    public static final byte WHITESPACE = 1;
    public static final byte LETTER = 2;
    public static final byte NUMBER = 3;
    /** Class of a position outside the chunk being split. */
    public static final byte NONE = -1;

    private static final byte[] ASCII = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII[c] = slow(c);
        }
    }

    private CharClass() {
    }

    public static byte of(int cp) {
        return cp < 128 ? ASCII[cp] : slow(cp);
    }

    public static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static byte slow(int cp) {
        if (isWhitespace(cp)) {
            return WHITESPACE;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> {
                return LETTER;
            }
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> {
                return NUMBER;
            }
            default -> {
                return OTHER;
            }
        }
    }
}
