package dev.logprobs4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz targets for {@link GgufFile#open}: any bytes either open (and then every metadata value and
 * tensor slice reads consistently) or fail with the documented {@link GgufFormatException}
 * ({@link UncheckedIOException} for I/O). In {@code mvn verify} Jazzer replays the committed
 * inputs under {@code GgufFuzzTestInputs/<method>/}; with {@code JAZZER_FUZZ=1} it fuzzes.
 */
class GgufFuzzTest {
    private static final Path FILE = FuzzSupport.tempFile("gguf-fuzz");
    private static final List<byte[]> SEEDS = List.copyOf(Seeds.gguf().values());
    private static final List<GgufLayout> LAYOUTS = SEEDS.stream().map(GgufLayout::of).toList();

    /** Raw bytes as the coverage-guided mutator makes them, seeded with well-formed files. */
    @FuzzTest(maxDuration = "10m")
    void openArbitraryBytes(byte[] input) {
        openAndTouch(input);
    }

    /** A seed with boundary values written into its counts, lengths, type ids, dimensions and offsets. */
    @FuzzTest(maxDuration = "10m")
    void openStructurallyMutated(FuzzedDataProvider data) {
        int seed = data.consumeInt(0, SEEDS.size() - 1);
        openAndTouch(GgufMutator.mutate(SEEDS.get(seed), LAYOUTS.get(seed), Choices.of(data)));
    }

    static void openAndTouch(byte[] input) {
        FuzzSupport.write(FILE, input);
        try (GgufFile f = GgufFile.open(FILE)) {
            Probes.touch(f);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            FuzzSupport.expectDocumented(t, input, GgufFormatException.class, UncheckedIOException.class);
        }
    }
}
