package dev.logprobs4j.tokenizer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SpmEncoderTest {
    // A small SentencePiece vocabulary, scores favouring longer pieces; no piece has ▁ after another character.
    private static final String[] PIECES = {"<unk>", "▁", "a", "b", "c", "▁a", "ab", "bc", "▁ab", "abc", "▁▁", "▁abc",
        "ca", "▁c", "cab"};

    private static SpmEncoder encoder(String... extraPieces) {
        Map<String, Integer> ids = new HashMap<>();
        String[] all = new String[PIECES.length + extraPieces.length];
        System.arraycopy(PIECES, 0, all, 0, PIECES.length);
        System.arraycopy(extraPieces, 0, all, PIECES.length, extraPieces.length);
        float[] scores = new float[all.length];
        for (int i = 0; i < all.length; i++) {
            ids.put(all[i], i);
            scores[i] = all[i].length() + i * 0.01f;
        }
        return new SpmEncoder(ids, scores, 0);
    }

    @Test
    void highestScoringPairMergesFirst() {
        // Scores: ▁a 2.05, ab 2.06, bc 2.07, abc 3.09, ▁abc 4.11, ca 2.12, ▁c 2.13, cab 3.14.
        // "▁abc": bc (2.07) beats ab and ▁a; then a+bc = abc (3.09); then ▁+abc = ▁abc -> [▁abc].
        IntList out = new IntList();
        encoder().encodeWholeText("▁abc", out);
        assertThat(out.toArray()).containsExactly(11);
        // "▁cab": ▁c (2.13) beats ca (2.12), which blocks cab; a+b = ab; ▁c+ab is no piece -> [▁c, ab].
        out.clear();
        encoder().encodeWholeText("▁cab", out);
        assertThat(out.toArray()).containsExactly(13, 6);
    }

    @Test
    void wordByWordEncodingEqualsWholeTextEncoding() {
        SpmEncoder enc = encoder();
        assertThat(enc.encodesWordByWord()).isTrue();
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(30);
            for (int k = 0; k < len; k++) {
                sb.append("▁abcd".charAt(rnd.nextInt(5)));
            }
            IntList words = new IntList();
            IntList whole = new IntList();
            enc.encode(sb.toString(), words);
            enc.encodeWholeText(sb.toString(), whole);
            assertThat(words.toArray()).as(sb.toString()).containsExactly(whole.toArray());
        }
    }

    @Test
    void aPieceWithASpaceInsideTurnsWordByWordEncodingOff() {
        assertThat(encoder("a▁b").encodesWordByWord()).isFalse();
    }
}
