package dev.logprobs4j.local.internal;

/** UTF-8 boundaries, so streamed text never splits a character that spans tokens. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The largest {@code end <= to} such that {@code bytes[from, end)} does not stop inside a
     * multi-byte sequence that could still be completed by more bytes.
     */
    static int completePrefix(byte[] bytes, int from, int to) {
        // Look back at most 3 bytes for the start of a sequence that is not finished yet.
        for (int i = to - 1; i >= Math.max(from, to - 3); i--) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                return to; // ASCII: everything before is complete or invalid anyway
            }
            if (b >= 0xC0) { // a lead byte
                int need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return to - i >= need ? to : i;
            }
        }
        return to;
    }
}
