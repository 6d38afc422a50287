package dev.logprobs4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.logprobs4j.engine.Model;
import dev.logprobs4j.gguf.GgufFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for {@link Model#load}: a corrupted tiny model either loads (and then runs a token
 * through without failing) or fails with the {@link GgufFormatException} its Javadoc documents.
 */
class ModelLoadFuzzTest {
    private static final Path FILE = FuzzSupport.tempFile("model-fuzz");
    private static final List<byte[]> SEEDS = new ArrayList<>();
    private static final List<GgufLayout> LAYOUTS = new ArrayList<>();
    private static final List<Path> SEED_FILES = new ArrayList<>();

    static {
        for (Map.Entry<String, byte[]> e : Seeds.models().entrySet()) {
            SEEDS.add(e.getValue());
            LAYOUTS.add(GgufLayout.of(e.getValue()));
            SEED_FILES.add(FuzzSupport.write(FuzzSupport.tempFile("model-seed"), e.getValue()));
        }
    }

    /** Byte-level: boundary values in the header fields, truncation, flips. */
    @FuzzTest(maxDuration = "10m")
    void loadStructurallyMutated(FuzzedDataProvider data) {
        int seed = data.consumeInt(0, SEEDS.size() - 1);
        byte[] input = GgufMutator.mutate(SEEDS.get(seed), LAYOUTS.get(seed), Choices.of(data));
        FuzzSupport.write(FILE, input);
        loadAndRun(FILE, input);
    }

    /** Meaning-level: hyperparameters, key types, tensor names, shapes and types. */
    @FuzzTest(maxDuration = "10m")
    void loadSemanticallyMutated(FuzzedDataProvider data) {
        int seed = data.consumeInt(0, SEEDS.size() - 1);
        SemanticMutator.mutate(SEED_FILES.get(seed), FILE, Choices.of(data));
        loadAndRun(FILE, FuzzSupport.read(FILE));
    }

    static void loadAndRun(Path file, byte[] input) {
        try {
            Probes.loadAndRun(file);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable t) {
            FuzzSupport.expectDocumented(t, input, GgufFormatException.class);
        }
    }
}
