package dev.logprobs4j.tokenizer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written splitters agree with {@code java.util.regex} running the pre-tokenizer regexes
 * llama.cpp uses (with Unicode White_Space for {@code \s} and ASCII-only case folding).
 */
class PreTokenizerTest {
    private static final String LLAMA3 = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = LLAMA3.replace("\\p{N}{1,3}", "\\p{N}");
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";

    private static List<String> chunks(PreTokenizer p, String text) {
        IntList ends = new IntList();
        p.split(text, 0, text.length(), ends);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < ends.size(); i++) {
            out.add(text.substring(start, ends.get(i)));
            start = ends.get(i);
        }
        assertThat(start).as("chunks cover the text").isEqualTo(text.length());
        return out;
    }

    private static RegexSplitter regex(String pattern) {
        return new RegexSplitter(Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS));
    }

    @Test
    void llama3SplitsWordsDigitTriplesContractionsAndWhitespaceRuns() {
        PreTokenizer p = new Llama3Splitter(3);
        assertThat(chunks(p, "Hello world")).containsExactly("Hello", " world");
        assertThat(chunks(p, "1234567")).containsExactly("123", "456", "7");
        assertThat(chunks(p, "  x")).containsExactly(" ", " x");
        assertThat(chunks(p, "a\n\n b")).containsExactly("a", "\n\n", " b");
        assertThat(chunks(p, "DON'T")).containsExactly("DON", "'T");
        assertThat(chunks(p, "x ...\n\ny")).containsExactly("x", " ...\n\n", "y");
        assertThat(chunks(p, "end  ")).containsExactly("end", "  ");
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertThat(chunks(new Llama3Splitter(1), "a123")).containsExactly("a", "1", "2", "3");
    }

    @Test
    void gpt2KeepsASingleSpaceBeforeAWordAndUnmatchedWhitespaceAlone() {
        PreTokenizer p = new Gpt2Splitter();
        assertThat(chunks(p, "Hello  world's 42")).containsExactly("Hello", " ", " world", "'s", " 42");
        assertThat(chunks(p, "a\tb")).containsExactly("a", "\t", "b");
        assertThat(chunks(p, "I'M")).containsExactly("I", "'", "M");
    }

    @Test
    void defaultChainSplitsPunctuationFirstAndDigitsInTriples() {
        // [\p{P}$+<=>^~|]+ isolates '+' and '='; \p{N}+ keeps 12345 together; [0-9]{3} cuts 123 | 45.
        PreTokenizer p = PreTokenizers.forName("default").splitter();
        assertThat(chunks(p, "a+b=12345")).containsExactly("a", "+", "b", "=", "123", "45");
    }

    @Test
    void handWrittenSplittersMatchJavaRegexOnRandomText() {
        int[] pool = {' ', ' ', ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x1C, 0x85, 0xA0, 0x2000, 0x2028, 0x3000, '\'',
            's', 'S', 't', 'r', 'e', 'v', 'l', 'L', 'm', 'd', 'D', 'a', 'Z', 'é', 'ß', 'ǅ', 'ʰ', '日', 'ก', '0', '7',
            '٣', '①', 'Ⅻ', '²', '.', ',', '!', '-', '$', '+', '<', '|', '~', '_', 0x0301, 0x200B, 0x0378, 0xE000,
            0x1F600, 0x1F3FD, 0x10400, 0x1D7CE, 0};
        SplittableRandom rnd = new SplittableRandom(1);
        PreTokenizer[][] pairs = {
            {new Llama3Splitter(3), regex(LLAMA3)},
            {new Llama3Splitter(1), regex(QWEN2)},
            {new Gpt2Splitter(), regex(GPT2)}};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(14);
            for (int k = 0; k < len; k++) {
                sb.appendCodePoint(pool[rnd.nextInt(pool.length)]);
            }
            String text = sb.toString();
            for (PreTokenizer[] pair : pairs) {
                assertThat(chunks(pair[0], text)).as("%s on %s", pair[0].getClass().getSimpleName(), escape(text))
                        .isEqualTo(chunks(pair[1], text));
            }
        }
    }

    @Test
    void unknownPreTokenizerIsNamedWithTheSupportedOnes() {
        assertThatThrownBy(() -> PreTokenizers.forName("tekken"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tekken'")
                .hasMessageContaining("llama-bpe")
                .hasMessageContaining("qwen2");
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(cp < 0x80 && cp >= 0x20 ? String.valueOf((char) cp) : String.format("\\u{%X}", cp)));
        return sb.toString();
    }
}
