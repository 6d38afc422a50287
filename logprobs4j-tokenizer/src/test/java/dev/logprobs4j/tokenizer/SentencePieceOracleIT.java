package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgufFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SentencePiece encoding matches llama.cpp (de.kherud:llama 4.1.0) token for token on real GGUF vocabularies. */
class SentencePieceOracleIT {

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "llama-2-tiny-random.gguf"})
    void encodeMatchesLlamaCpp(String fileName) throws Exception {
        Path model = TestFiles.model(fileName);
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizer.fromGguf(file);
        }
        List<String> texts = new ArrayList<>(TestStrings.all(7, 150, 150));
        texts.add(java.nio.file.Files.readString(TestFiles.warAndPeace())); // the whole book as one text
        List<int[]> expected = LlamaCppOracle.tokenize(model, texts, Path.of("target", "oracle"));
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] ours = tokenizer.encode(texts.get(i), false, true);
            if (!Arrays.equals(ours, expected.get(i))) {
                mismatches.add(mismatch(texts.get(i), expected.get(i), ours));
            }
        }
        System.out.println(fileName + ": compared " + texts.size() + " texts with llama.cpp, " + mismatches.size()
                + " mismatches");
        assertThat(mismatches).as("texts tokenized differently from llama.cpp").isEmpty();
    }

    @org.junit.jupiter.api.Test
    void encodeWithoutSpacePrefixMatchesLlamaCpp() throws Exception {
        Vocabulary original;
        try (GgufFile file = GgufFile.open(TestFiles.model("stories260K.gguf"))) {
            original = Vocabulary.fromGguf(file);
        }
        Vocabulary noPrefix = new Vocabulary(original.model(), original.preTokenizer(), original.tokens(),
                original.scores(), original.tokenTypes(), original.merges(), original.bosId(), original.eosId(),
                original.eotId(), original.eomId(), original.unkId(), original.addBos(), false);
        Path dir = java.nio.file.Files.createDirectories(Path.of("target", "oracle"));
        Path model = dir.resolve("stories260K-no-space-prefix.gguf");
        TinyLlamaGguf.write(noPrefix, null, model);
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizer.fromGguf(file);
        }
        List<String> texts = TestStrings.all(13, 100, 100);
        List<int[]> expected = LlamaCppOracle.tokenize(model, texts, dir);
        int compared = 0;
        for (int i = 0; i < texts.size(); i++) {
            assertThat(tokenizer.encode(texts.get(i), false, true)).as(show(texts.get(i)))
                    .containsExactly(expected.get(i));
            assertThat(tokenizer.decode(tokenizer.encode(texts.get(i)))).isEqualTo(texts.get(i));
            compared++;
        }
        System.out.println("stories260K without add_space_prefix: compared " + compared + " texts with llama.cpp");
        assertThat(tokenizer.encode("Once")).doesNotContain(403);
    }

    /** Describes a difference briefly, also for book-length texts. */
    static String mismatch(String text, int[] expected, int[] ours) {
        int first = Arrays.mismatch(expected, ours);
        int from = Math.max(0, first - 5);
        return show(text.length() > 300 ? text.substring(0, 300) + "..." : text)
                + "\n  first difference at token " + first + " of " + expected.length + "/" + ours.length
                + "\n  llama.cpp " + Arrays.toString(Arrays.copyOfRange(expected, from, Math.min(expected.length, first + 10)))
                + "\n  ours      " + Arrays.toString(Arrays.copyOfRange(ours, from, Math.min(ours.length, first + 10)));
    }

    static String show(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0x2028 || cp == 0x200B) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }
}
