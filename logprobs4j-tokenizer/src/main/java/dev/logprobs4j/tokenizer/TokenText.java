package dev.logprobs4j.tokenizer;

/**
 * Display text for token bytes, the convention every logprobs4j surface (API, server, CLI) uses
 * to show a token.
 *
 * <p>A token's display text is its bytes decoded as UTF-8, except that every byte which is not part
 * of a complete, valid UTF-8 sequence is written as a {@code \xNN} escape with two lowercase hex
 * digits (DeepSeek's convention). An emoji that a byte-level tokenizer splits over two tokens thus
 * shows as {@code \xf0\x9f} for the first and {@code \x98\x80} for the second, while the raw bytes
 * stay available separately and joining them gives back the exact text. The replacement character
 * U+FFFD never stands in for a byte. A backslash in the text itself is not escaped, so the display
 * text is for people, not for parsing back into bytes.
 *
 * <p>Stateless and thread-safe.
 */
public final class TokenText {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TokenText() {
    }

    /**
     * Returns the display text of {@code bytes}: valid UTF-8 sequences decoded, every other byte
     * as {@code \xNN} (lowercase hex). Overlong encodings, surrogate code points (U+D800..U+DFFF) and
     * values above U+10FFFF are invalid UTF-8 and thus escaped byte by byte.
     *
     * @param bytes raw token bytes; not modified
     * @return the display text; empty for an empty array
     */
    public static String display(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length + 8);
        int i = 0;
        while (i < bytes.length) {
            int len = validSequenceLength(bytes, i);
            if (len == 0) {
                int b = bytes[i] & 0xFF;
                sb.append('\\').append('x').append(HEX[b >>> 4]).append(HEX[b & 0xF]);
                i++;
            } else {
                sb.appendCodePoint(decode(bytes, i, len));
                i += len;
            }
        }
        return sb.toString();
    }

    /** Length of the valid UTF-8 sequence starting at {@code i}, or 0 if none starts there. */
    private static int validSequenceLength(byte[] b, int i) {
        int b0 = b[i] & 0xFF;
        if (b0 < 0x80) {
            return 1;
        }
        int len;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            len = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            len = 3;
            if (b0 == 0xE0) {
                lo = 0xA0; // no overlongs
            } else if (b0 == 0xED) {
                hi = 0x9F; // no surrogates
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            len = 4;
            if (b0 == 0xF0) {
                lo = 0x90; // no overlongs
            } else if (b0 == 0xF4) {
                hi = 0x8F; // nothing above U+10FFFF
            }
        } else {
            return 0;
        }
        if (i + len > b.length) {
            return 0;
        }
        int b1 = b[i + 1] & 0xFF;
        if (b1 < lo || b1 > hi) {
            return 0;
        }
        for (int k = 2; k < len; k++) {
            int bk = b[i + k] & 0xFF;
            if (bk < 0x80 || bk > 0xBF) {
                return 0;
            }
        }
        return len;
    }

    private static int decode(byte[] b, int i, int len) {
        int b0 = b[i] & 0xFF;
        return switch (len) {
            case 1 -> b0;
            case 2 -> ((b0 & 0x1F) << 6) | (b[i + 1] & 0x3F);
            case 3 -> ((b0 & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
            default -> ((b0 & 0x07) << 18) | ((b[i + 1] & 0x3F) << 12) | ((b[i + 2] & 0x3F) << 6) | (b[i + 3] & 0x3F);
        };
    }
}
