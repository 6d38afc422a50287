package dev.logprobs4j.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic test texts: hand-picked tricky cases, seeded random mixtures, War and Peace excerpts. */
final class TestStrings {
    private TestStrings() {
    }

    /** Hand-picked cases: whitespace runs, contractions, scripts, emoji, digits, code, special-token text. */
    static final List<String> TRICKY = List.of(
            "", " ", "  ", "   ", "\n", "\n\n", " \n", "\n ", "\t", "\t\tx", "\r\n", "x\r\ny", " \t \n \r\n  x",
            "Hello world", " Hello", "Hello ", "Hello  world", "Hello   world   ", "a  b   c    d",
            "   leading", "trailing   ", "x \n", "line1\nline2\n\nline4\n\n\n",
            "don't", "DON'T", "I'M", "we'll", "They've", "she'd", "'s", "''", "'S'", "x'LL", "it's 'quoted'",
            "rock 'n' roll", "O'Neil's", "café", "naïve", "Ünïcödé", "e\u0301te\u0301", "Æsir ß straße",
            "日本語のテキストです。", "中文测试，好的！", "한국어 텍스트", "Привет, мир!", "مرحبا بالعالم", "שלום עולם",
            "ελληνικά", "हिन्दी पाठ", "ไทย", "Tiếng Việt", "😀", "👍🏽", "👨‍👩‍👧", "🇩🇪🇫🇷", "I ❤️ NY", "a😀b😀c",
            "1234567890", "3.14159", "1,000,000", "12345678901234567890123", "٣٤٥ ۶۷", "①②③", "ⅫⅣ", "x²+y³",
            "v1.2.3-rc4", "0x7fffffff", "1e-10",
            "def f(x):\n    return x**2\n", "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
            "<html><body class=\"x\">Hi</body></html>", "{\"key\": [1, 2, {\"n\": null}]}",
            "https://example.com/path?q=1&r=%20", "user@example.org", "$$$ ### @@@", "...", "!!!???", "--- ***",
            "a\u00A0b", "a\u3000b", "a\u2028b", "a\u0085b", "\u200Bzero\u200Bwidth", "ſ K Å", "\u0000nul", "tab\tsep\tvalues",
            "<|begin_of_text|>", "<|eot_id|>hello", "<|im_start|>user\nhi<|im_end|>\n", "<think>\nhmm\n</think>\n\nyes",
            "<s>", "</s>", "<unk>", "<s>hi", "a</s>b", "x<s> y</s>", "[INST] hi [/INST]", "<tool_call>{}</tool_call>", "<|endoftext|><|endoftext|>");

    private static final String[] WORDS = {"the", "The", "quick", "brown", "fox", "jumps", "over", "lazy", "dog",
        "tokenizer", "probability", "logprobs", "Ünïcödé", "naïve", "café", "日本", "中文", "한국어", "Привет",
        "مرحبا", "😀", "👍🏽", "don't", "I'm", "we'll", "x", "A", "Zebra", "HTTP", "JSON", "ŝ", "ǅ", "ℌ"};
    private static final String[] SEPARATORS = {" ", " ", " ", "  ", "   ", "\n", "\n\n", "\t", " \n", "\r\n", ", ",
        ". ", "! ", "? ", "...", " - ", "(", ")", "\"", "'", ":", ";", "/", "\\", "#", "$", "%", "&", "*", "+", "=",
        "<", ">", "@", "^", "_", "`", "{", "}", "|", "~", "\u00A0", "\u3000", "  \n  "};

    /** Seeded random mixtures of words, numbers, punctuation and whitespace runs. */
    static List<String> random(long seed, int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            int parts = 1 + rnd.nextInt(12);
            for (int p = 0; p < parts; p++) {
                switch (rnd.nextInt(6)) {
                    case 0, 1, 2 -> sb.append(WORDS[rnd.nextInt(WORDS.length)]);
                    case 3 -> sb.append(SEPARATORS[rnd.nextInt(SEPARATORS.length)]);
                    case 4 -> {
                        int digits = 1 + rnd.nextInt(14);
                        for (int d = 0; d < digits; d++) {
                            sb.append((char) ('0' + rnd.nextInt(10)));
                        }
                    }
                    default -> {
                        // a random printable code point from a few blocks
                        int[][] blocks = {{0x20, 0x7E}, {0xA0, 0x24F}, {0x370, 0x4FF}, {0x3040, 0x30FF},
                            {0x4E00, 0x4FFF}, {0x1F300, 0x1F64F}, {0x2000, 0x206F}};
                        int[] b = blocks[rnd.nextInt(blocks.length)];
                        sb.appendCodePoint(b[0] + rnd.nextInt(b[1] - b[0] + 1));
                    }
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Seeded random excerpts of War and Peace, 1 to 600 chars, cut at arbitrary code points. */
    static List<String> warAndPeace(long seed, int count) {
        String book;
        try {
            book = Files.readString(TestFiles.warAndPeace());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = 1 + rnd.nextInt(600);
            int start = rnd.nextInt(book.length() - len);
            if (Character.isLowSurrogate(book.charAt(start))) {
                start++;
            }
            int end = start + len;
            if (Character.isHighSurrogate(book.charAt(end - 1))) {
                end++;
            }
            out.add(book.substring(start, end));
        }
        return out;
    }

    static List<String> all(long seed, int random, int book) {
        List<String> all = new ArrayList<>(TRICKY);
        all.addAll(random(seed, random));
        all.addAll(warAndPeace(seed + 1, book));
        return all;
    }
}
