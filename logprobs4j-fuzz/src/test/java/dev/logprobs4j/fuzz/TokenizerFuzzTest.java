package dev.logprobs4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for the tokenizer: {@code encode}/{@code decode} on arbitrary Java strings never
 * throw and round-trip as {@link Tokenizer} documents; {@link Tokenizer#fromGguf} on corrupt
 * vocabulary metadata fails only with the documented IllegalArgumentException (or the
 * GgufFormatException that {@code Vocabulary.fromGguf} documents for a key of the wrong type).
 */
class TokenizerFuzzTest {
    private static final Path FILE = FuzzSupport.tempFile("vocab-fuzz");
    static final List<Tokenizer> TOKENIZERS = new ArrayList<>();
    private static final List<Tokenizer> SENTENCEPIECE = new ArrayList<>();
    private static final List<byte[]> VOCAB_SEEDS = new ArrayList<>();
    private static final List<GgufLayout> VOCAB_LAYOUTS = new ArrayList<>();
    private static final List<Path> VOCAB_FILES = new ArrayList<>();

    /** Pieces that stress pre-tokenizers and merges, repeated into long runs by the fuzzer. */
    static final String[] FRAGMENTS = {" ", "  ", "\n", "\r\n", "\t", "a", "the", "The", "'s", "'S", "'ll",
        "123", "1", "٣", "é", "e\u0301", "😀", "👩‍👩‍👧", "\uD800", "\uDC00", "\uDBFF\uDFFF", "\u0000", "\u007F", "\u00A0",
        "\u2028", "▁", "Ġ", "<s>", "</s>", "<unk>", "<|endoftext|>", "<think>", "<0x0A>", "中文", "한국어", "ะ", "!", "...",
        "\uFEFF", "\uFFFD", "\uFFFF", "𝔘"};

    static {
        try (GgufFile stories = GgufFile.open(FuzzSupport.stories260K());
                GgufFile llama2 = GgufFile.open(FuzzSupport.llama2TinyRandom())) {
            TOKENIZERS.add(Tokenizer.fromGguf(stories));
            TOKENIZERS.add(Tokenizer.fromGguf(llama2));
            SENTENCEPIECE.addAll(TOKENIZERS);
        }
        for (String pre : new String[] {"llama-bpe", "qwen2", "gpt-2", "default"}) {
            TOKENIZERS.add(Tokenizer.of(Seeds.bpe(pre)));
        }
        for (Map.Entry<String, byte[]> e : Seeds.vocabularies().entrySet()) {
            VOCAB_SEEDS.add(e.getValue());
            VOCAB_LAYOUTS.add(GgufLayout.of(e.getValue()));
            VOCAB_FILES.add(FuzzSupport.write(FuzzSupport.tempFile("vocab-seed"), e.getValue()));
        }
    }

    /**
     * Encoding any string (lone surrogates, controls, long runs) works, gives ids in range, and
     * without special-token parsing decodes back to the string with unpaired surrogates as '?'.
     */
    @FuzzTest(maxDuration = "10m")
    void encodeDecodeRoundTrip(FuzzedDataProvider data) {
        Tokenizer tok = TOKENIZERS.get(data.consumeInt(0, TOKENIZERS.size() - 1));
        boolean addBos = data.consumeBoolean() && tok.bosId() >= 0;
        boolean parseSpecial = data.consumeBoolean();
        String text = text(data);
        int[] ids = tok.encode(text, addBos, parseSpecial);
        for (int id : ids) {
            assertThat(id).isBetween(0, tok.vocabularySize() - 1);
        }
        String decoded = tok.decode(ids);
        if (!parseSpecial) {
            assertThat(decoded).as("decode(encode(s)) with %s", tok).isEqualTo(expectedRoundTrip(tok, text));
        }
        for (int id : ids) {
            tok.tokenDisplay(id);
        }
    }

    /**
     * What {@code decode(encode(text))} gives: {@code text} with unpaired surrogates as '?' and, for
     * SentencePiece, U+2581 as a space (finding F6: SentencePiece escapes spaces as U+2581, so a
     * literal U+2581 cannot survive; llama.cpp does the same, and Tokenizer's Javadoc says so).
     */
    static String expectedRoundTrip(Tokenizer tok, String text) {
        String wellFormed = new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        return SENTENCEPIECE.contains(tok) ? wellFormed.replace('\u2581', ' ') : wellFormed;
    }

    /** A string from one of three generators: raw UTF-16 units, tricky fragments in runs, or Jazzer's strings. */
    static String text(FuzzedDataProvider data) {
        switch (data.consumeInt(0, 2)) {
            case 0 -> {
                int n = data.consumeInt(0, 512);
                StringBuilder sb = new StringBuilder(n);
                for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
                    sb.append(data.consumeChar());
                }
                return sb.toString();
            }
            case 1 -> {
                StringBuilder sb = new StringBuilder();
                int parts = data.consumeInt(0, 32);
                for (int i = 0; i < parts; i++) {
                    String f = FRAGMENTS[data.consumeInt(0, FRAGMENTS.length - 1)];
                    // Occasionally a very long run: pre-tokenizers and merges must stay linear-ish.
                    int repeat = data.consumeInt(0, 7) == 0 ? data.consumeInt(1, 5000) : data.consumeInt(1, 4);
                    sb.append(f.repeat(repeat));
                }
                return sb.toString();
            }
            default -> {
                return data.consumeRemainingAsString();
            }
        }
    }

    /** Byte-level corruption of a vocabulary file: open, then build a tokenizer and use every token. */
    @FuzzTest(maxDuration = "10m")
    void fromGgufStructurallyMutated(FuzzedDataProvider data) {
        int seed = data.consumeInt(0, VOCAB_SEEDS.size() - 1);
        byte[] input = GgufMutator.mutate(VOCAB_SEEDS.get(seed), VOCAB_LAYOUTS.get(seed), Choices.of(data));
        FuzzSupport.write(FILE, input);
        buildAndUse(FILE, input);
    }

    /** Meaning-level corruption: token types, pieces, scores, merges, special ids, key types. */
    @FuzzTest(maxDuration = "10m")
    void fromGgufSemanticallyMutated(FuzzedDataProvider data) {
        int seed = data.consumeInt(0, VOCAB_FILES.size() - 1);
        SemanticMutator.mutate(VOCAB_FILES.get(seed), FILE, Choices.of(data));
        buildAndUse(FILE, FuzzSupport.read(FILE));
    }

    static void buildAndUse(Path file, byte[] input) {
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(file)) {
            tok = Tokenizer.fromGguf(f);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            FuzzSupport.expectDocumented(t, input, GgufFormatException.class, IllegalArgumentException.class);
            return;
        }
        try {
            Probes.touch(tok);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            FuzzSupport.expectDocumented(t, input);
        }
    }
}
