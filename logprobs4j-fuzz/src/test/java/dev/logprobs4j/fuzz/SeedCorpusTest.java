package dev.logprobs4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed seed corpus of {@link GgufFuzzTest#openArbitraryBytes} is exactly what
 * {@link Seeds} writes, every seed is small, and every seed is valid for its target (so mutants
 * start from deep inside the parser, tokenizer and loader). Regenerate the committed files with
 * {@code mvn -pl logprobs4j-fuzz verify -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true}.
 */
class SeedCorpusTest {
    private static final Path CORPUS = FuzzSupport.repoRoot().resolve(
            "logprobs4j-fuzz/src/test/resources/dev/logprobs4j/fuzz/GgufFuzzTestInputs/openArbitraryBytes");

    @Test
    void committedSeedsEqualWhatTheBuildersWrite() throws IOException {
        Map<String, byte[]> seeds = Seeds.gguf();
        if (Boolean.getBoolean("fuzz.writeSeeds")) {
            Files.createDirectories(CORPUS);
            for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
                Files.write(CORPUS.resolve(e.getKey()), e.getValue());
            }
        }
        for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
            assertThat(CORPUS.resolve(e.getKey())).as(e.getKey()).exists().hasBinaryContent(e.getValue());
            assertThat(e.getValue().length).as(e.getKey()).isLessThan(50_000);
        }
    }

    @Test
    void everyGgufSeedOpensAndReadsCleanly() {
        Path file = FuzzSupport.tempFile("seed-check");
        for (Map.Entry<String, byte[]> e : Seeds.gguf().entrySet()) {
            FuzzSupport.write(file, e.getValue());
            try (GgufFile f = GgufFile.open(file)) {
                Probes.touch(f);
                assertThat(GgufLayout.of(e.getValue()).fields()).as(e.getKey()).isNotEmpty();
            }
        }
    }

    @Test
    void everyVocabularySeedBuildsATokenizerThatRoundTrips() {
        Path file = FuzzSupport.tempFile("seed-check");
        for (Map.Entry<String, byte[]> e : Seeds.vocabularies().entrySet()) {
            FuzzSupport.write(file, e.getValue());
            try (GgufFile f = GgufFile.open(file)) {
                Tokenizer tok = Tokenizer.fromGguf(f);
                Probes.touch(tok);
                assertThat(tok.decode(tok.encode("Once upon a time, the end."))).isEqualTo("Once upon a time, the end.");
            }
        }
    }

    @Test
    void everyModelSeedLoadsAndRuns() {
        Path file = FuzzSupport.tempFile("seed-check");
        for (Map.Entry<String, byte[]> e : Seeds.models().entrySet()) {
            FuzzSupport.write(file, e.getValue());
            Probes.loadAndRun(file);
            assertThat(e.getValue().length).as(e.getKey()).isLessThan(50_000);
        }
    }
}
