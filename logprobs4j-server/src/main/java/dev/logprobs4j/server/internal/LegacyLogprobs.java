package dev.logprobs4j.server.internal;

import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The legacy completions API's {@code logprobs} object being built: parallel lists of
 * {@code tokens}, {@code token_logprobs} (null for unscored prompt tokens), {@code top_logprobs}
 * ({@code {token: logprob}} maps, null for unscored tokens) and {@code text_offset}. Not thread-safe.
 *
 * <p>{@code text_offset} indexes into the returned {@code text} in UTF-16 characters, as OpenAI's
 * legacy API defines it: each token advances it by the characters its bytes begin (a character split
 * over two tokens counts at the token holding its first byte), and the echoed prompt's offsets drop
 * the prefix the tokenizer added (see {@link #alignTo}).
 */
final class LegacyLogprobs {

    private final List<String> tokens = new ArrayList<>();
    private double[] logprobs = new double[16];
    private final List<List<TopLogprob>> tops = new ArrayList<>();
    private int[] offsets = new int[16];
    private int offset;
    private final java.io.ByteArrayOutputStream covered = new java.io.ByteArrayOutputStream(); // the tokens' bytes so far

    LegacyLogprobs(int startOffset) {
        this.offset = startOffset;
    }

    /** A token nothing predicts: logprob and alternatives null. */
    void addUnscored(String token, boolean takesNoText) {
        add(token, Double.NaN, null, takesNoText ? new byte[0] : token.getBytes(StandardCharsets.UTF_8));
    }

    void add(TokenLogprob t) {
        byte[] bytes = t.bytes();
        add(t.token(), t.logprob(), t.topLogprobs(), bytes != null ? bytes : t.token().getBytes(StandardCharsets.UTF_8));
    }

    private void add(String token, double logprob, List<TopLogprob> top, byte[] bytes) {
        int i = tokens.size();
        if (i == logprobs.length) {
            logprobs = java.util.Arrays.copyOf(logprobs, i * 2);
            offsets = java.util.Arrays.copyOf(offsets, i * 2);
        }
        tokens.add(token);
        logprobs[i] = logprob;
        tops.add(top);
        offsets[i] = offset;
        covered.writeBytes(bytes);
        for (byte b : bytes) {
            if ((b & 0xC0) != 0x80) { // ASCII or the first byte of a character
                offset += (b & 0xF8) == 0xF0 ? 2 : 1; // four-byte characters are two UTF-16 units
            }
        }
    }

    int size() {
        return tokens.size();
    }

    String token(int i) {
        return tokens.get(i);
    }

    boolean isScored(int i) {
        return !Double.isNaN(logprobs[i]);
    }

    double logprob(int i) {
        return logprobs[i];
    }

    List<TopLogprob> top(int i) {
        return tops.get(i);
    }

    int offset(int i) {
        return offsets[i];
    }

    /**
     * Makes the offsets so far index into {@code text}, the prompt these tokens encode, and continues
     * after it. SentencePiece tokenizers add a space the text does not have ("Once" is the token
     * " Once"); without this, every offset after the first token was one too far.
     */
    void alignTo(String text) {
        String tokensText = covered.toString(StandardCharsets.UTF_8);
        int hidden = tokensText.length() - text.length();
        if (hidden > 0 && tokensText.endsWith(text)) {
            for (int i = 0; i < tokens.size(); i++) {
                offsets[i] = Math.max(0, offsets[i] - hidden);
            }
        }
        offset = text.length();
    }

    /** The offset after the last token. */
    int end() {
        return offset;
    }
}
