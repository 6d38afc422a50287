package dev.logprobs4j.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deterministic mutation sweeps over the same targets as the Jazzer fuzz tests, with a seeded PRNG
 * instead of coverage guidance. Jazzer's regression mode only replays the committed inputs; these
 * sweeps try thousands of fresh mutants on every build, reproducibly (the failing iteration's
 * seed is in the message). Scale with {@code -Dfuzz.sweep.scale=N} for a longer local run.
 */
class MutationSweepTest {
    private static final int SCALE = Integer.getInteger("fuzz.sweep.scale", 1);

    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedGgufHeadersOpenOrFailWithGgufFormatException() {
        List<byte[]> seeds = List.copyOf(Seeds.gguf().values());
        List<GgufLayout> layouts = seeds.stream().map(GgufLayout::of).toList();
        sweep("gguf", 3000, r -> {
            int i = r.nextInt(seeds.size());
            GgufFuzzTest.openAndTouch(GgufMutator.mutate(seeds.get(i), layouts.get(i), Choices.of(r)));
        });
    }

    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedVocabulariesBuildOrFailWithDocumentedExceptions() {
        Path file = FuzzSupport.tempFile("sweep-vocab");
        List<byte[]> seeds = List.copyOf(Seeds.vocabularies().values());
        List<GgufLayout> layouts = seeds.stream().map(GgufLayout::of).toList();
        List<Path> seedFiles = seeds.stream().map(b -> FuzzSupport.write(FuzzSupport.tempFile("sweep-seed"), b)).toList();
        sweep("vocab", 400, r -> {
            int i = r.nextInt(seeds.size());
            byte[] input;
            if (r.nextBoolean()) {
                input = GgufMutator.mutate(seeds.get(i), layouts.get(i), Choices.of(r));
                FuzzSupport.write(file, input);
            } else {
                SemanticMutator.mutate(seedFiles.get(i), file, Choices.of(r));
                input = FuzzSupport.read(file);
            }
            TokenizerFuzzTest.buildAndUse(file, input);
        });
    }

    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void mutatedModelsLoadOrFailWithGgufFormatException() {
        Path file = FuzzSupport.tempFile("sweep-model");
        Map<String, byte[]> models = Seeds.models();
        List<byte[]> seeds = List.copyOf(models.values());
        List<GgufLayout> layouts = seeds.stream().map(GgufLayout::of).toList();
        List<Path> seedFiles = seeds.stream().map(b -> FuzzSupport.write(FuzzSupport.tempFile("sweep-seed"), b)).toList();
        sweep("model", 400, r -> {
            int i = r.nextInt(seeds.size());
            byte[] input;
            if (r.nextBoolean()) {
                input = GgufMutator.mutate(seeds.get(i), layouts.get(i), Choices.of(r));
                FuzzSupport.write(file, input);
            } else {
                SemanticMutator.mutate(seedFiles.get(i), file, Choices.of(r));
                input = FuzzSupport.read(file);
            }
            ModelLoadFuzzTest.loadAndRun(file, input);
        });
    }

    @Test
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void randomStringsEncodeWithoutThrowingAndRoundTrip() {
        sweep("encode", 3000, r -> {
            Tokenizer tok = TokenizerFuzzTest.TOKENIZERS.get(r.nextInt(TokenizerFuzzTest.TOKENIZERS.size()));
            String text = randomText(r);
            boolean parseSpecial = r.nextInt(4) == 0;
            int[] ids = tok.encode(text, tok.bosId() >= 0 && r.nextBoolean(), parseSpecial);
            String decoded = tok.decode(ids);
            if (!parseSpecial) {
                assertThat(decoded).as("decode(encode(s)) with %s", tok)
                        .isEqualTo(TokenizerFuzzTest.expectedRoundTrip(tok, text));
            }
        });
    }

    private static String randomText(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        int parts = r.nextInt(24);
        for (int i = 0; i < parts; i++) {
            if (r.nextBoolean()) {
                // Any UTF-16 unit, lone surrogates and controls included.
                int n = 1 + r.nextInt(8);
                for (int k = 0; k < n; k++) {
                    sb.append((char) (r.nextInt(8) == 0 ? r.nextInt(0x20) : r.nextInt(0x10000)));
                }
            } else {
                String f = TokenizerFuzzTest.FRAGMENTS[r.nextInt(TokenizerFuzzTest.FRAGMENTS.length)];
                sb.append(f.repeat(r.nextInt(50) == 0 ? 1 + r.nextInt(3000) : 1 + r.nextInt(3)));
            }
        }
        return sb.toString();
    }

    private interface Iteration {
        void run(SplittableRandom r);
    }

    private static void sweep(String name, int iterations, Iteration body) {
        long base = Long.getLong("fuzz.sweep.seed", 20260101L);
        for (int i = 0; i < iterations * SCALE; i++) {
            long seed = base + i;
            try {
                body.run(new SplittableRandom(seed));
            } catch (AssertionError e) {
                throw new AssertionError(name + " sweep iteration " + i + " (-Dfuzz.sweep.seed=" + seed
                        + " reproduces it as iteration 0): " + e.getMessage(), e);
            }
        }
    }
}
