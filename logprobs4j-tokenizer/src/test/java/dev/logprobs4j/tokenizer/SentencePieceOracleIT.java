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
        List<String> texts = TestStrings.all(7, 150, 150);
        List<int[]> expected = LlamaCppOracle.tokenize(model, texts, Path.of("target", "oracle"));
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            int[] ours = tokenizer.encode(texts.get(i), false, true);
            if (!Arrays.equals(ours, expected.get(i))) {
                mismatches.add(show(texts.get(i)) + "\n  llama.cpp " + Arrays.toString(expected.get(i))
                        + "\n  ours      " + Arrays.toString(ours));
            }
        }
        System.out.println(fileName + ": compared " + texts.size() + " texts with llama.cpp, " + mismatches.size()
                + " mismatches");
        assertThat(mismatches).as("texts tokenized differently from llama.cpp").isEmpty();
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
