package dev.logprobs4j.tokenizer.internal;

/**
 * GPT-2's reversible mapping between raw bytes and printable code points, which byte-level BPE
 * vocabularies use to store arbitrary bytes as text: printable Latin-1 bytes map to themselves,
 * the other 68 bytes to U+0100 upwards in byte order. Immutable, thread-safe.
 */
public final class ByteLevel {
    private static final int[] BYTE_TO_CP = new int[256];
    /** Inverse of {@link #BYTE_TO_CP}; indexed by code point, -1 where no byte maps there. */
    private static final int[] CP_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CP_TO_BYTE, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            BYTE_TO_CP[b] = printable ? b : next++;
            CP_TO_BYTE[BYTE_TO_CP[b]] = b;
        }
    }

    private ByteLevel() {
    }

    /** Returns the code point that stands for byte {@code b} (0..255). */
    public static int codePointOf(int b) {
        return BYTE_TO_CP[b & 0xFF];
    }

    /** Returns the byte a code point stands for, or -1 if it stands for none. */
    public static int byteOf(int codePoint) {
        return codePoint >= 0 && codePoint < CP_TO_BYTE.length ? CP_TO_BYTE[codePoint] : -1;
    }

    /** Returns the byte-level text for raw bytes: one code point per byte. */
    public static String encode(byte[] bytes, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            sb.append((char) BYTE_TO_CP[bytes[i] & 0xFF]);
        }
        return sb.toString();
    }

    /**
     * Returns the raw bytes a byte-level piece stands for. Code points outside the mapping (which a
     * well-formed byte-level vocabulary never holds) contribute their own UTF-8 bytes, so no text
     * is lost.
     */
    public static byte[] decode(String piece) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(piece.length());
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            i += Character.charCount(cp);
            int b = byteOf(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                byte[] raw = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(raw, 0, raw.length);
            }
        }
        return out.toByteArray();
    }
}
