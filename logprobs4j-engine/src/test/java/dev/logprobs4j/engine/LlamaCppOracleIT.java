package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgmlType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Compares the engine with llama.cpp (de.kherud:llama 3.4.1 in a forked JVM) on the same token ids:
 * next-token logprobs (the oracle's probabilities with temperature 1 and no truncation are the
 * softmax of the raw logits) and greedy generations.
 */
public class LlamaCppOracleIT {
    static final Map<String, Double> REPORT = new TreeMap<>();
    static final int EOS = 2; // tokenizer.ggml.eos_token_id of stories260K and the synthetic models

    /** BOS followed by llama.cpp's {@code encode} (de.kherud 3.4.1 on stories260K) of each text. */
    static final String[] TEXTS = {
        "Once upon a time",
        "Lily and Ben went to the park. They saw a big dog.",
        "Tom had a red ball. He liked to play with it every day. One day, the ball rolled into the river and",
        "The sun was shining and the birds were singing. Mom said",
        "Sam was sad because his toy was broken.",
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a"
                + " big, red ball. She ran to it and picked it up. Then she saw a small bird in a tree. The bird was sad because"
                + " it could not fly. Lily wanted to help the bird, so she"};

    /** Token ids of {@link #TEXTS}, as printed by {@code OracleMain <model> 2 encode 0 0 <base64 text>...}, BOS prepended. */
    static final int[][] TEXT_IDS = {
        {1, 403, 407, 261, 378},
        {1, 317, 269, 368, 302, 263, 377, 267, 265, 282, 295, 433, 426, 342, 394, 261, 370, 400, 428, 426},
        {1, 274, 287, 381, 261, 352, 266, 268, 388, 426, 346, 397, 355, 267, 337, 335, 312, 344, 363, 328, 426, 385, 328, 432,
            265, 268, 388, 352, 414, 306, 266, 322, 413, 414, 265, 410, 325, 330, 269},
        {1, 291, 262, 379, 286, 262, 415, 271, 299, 269, 265, 268, 315, 418, 419, 382, 276, 262, 299, 299, 426, 392, 287, 336},
        {1, 301, 314, 286, 296, 418, 329, 429, 412, 425, 372, 345, 267, 422, 286, 268, 420, 414, 433, 302, 426},
        {1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419,
            292, 411, 322, 265, 282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432, 352, 266, 268, 388, 426, 338, 352, 303,
            267, 312, 269, 282, 417, 340, 266, 312, 350, 426, 291, 416, 358, 394, 261, 262, 423, 388, 268, 315, 418, 322, 261, 259,
            276, 411, 426, 291, 268, 315, 418, 286, 296, 418, 329, 429, 412, 425, 372, 312, 280, 389, 297, 309, 272, 421, 422, 426,
            317, 391, 266, 267, 281, 421, 427, 265, 268, 315, 418, 432, 384, 358}};

    /** BOS + encode("Once upon a time") and three seeded random token sequences (2, 17 and 90 tokens). */
    public static List<int[]> prompts() {
        List<int[]> p = new ArrayList<>();
        p.add(TEXT_IDS[0]);
        SplittableRandom r = new SplittableRandom(3);
        for (int len : new int[] {2, 17, 90}) {
            int[] t = new int[len];
            t[0] = 1;
            for (int i = 1; i < len; i++) {
                t[i] = 3 + r.nextInt(509);
            }
            p.add(t);
        }
        return p;
    }

    /** The stories260K prompts: the six texts (5 to 110 tokens) and the three random sequences of {@link #prompts()}. */
    static List<int[]> storyPrompts() {
        List<int[]> p = new ArrayList<>(List.of(TEXT_IDS));
        p.addAll(prompts().subList(1, 4));
        return p;
    }

    /** Largest |logprob difference| over the oracle's top-10 of all prompts; also checks the top-10 sets agree. */
    static double compareNextToken(Path model, List<int[]> prompts, double tolerance, KvCacheType kv, boolean exact) {
        return java.util.Arrays.stream(compareNextTokenPerPrompt(model, prompts, tolerance, kv, exact)).filter(d -> !Double.isNaN(d)).max()
                .orElse(0);
    }

    /**
     * Largest |logprob difference| over the oracle's top-10 for each prompt (NaN where the oracle sent no
     * probabilities); also checks the top-10 sets agree within {@code tolerance}.
     */
    static double[] compareNextTokenPerPrompt(Path model, List<int[]> prompts, double tolerance, KvCacheType kv) {
        return compareNextTokenPerPrompt(model, prompts, tolerance, kv, true);
    }

    static double[] compareNextTokenPerPrompt(Path model, List<int[]> prompts, double tolerance, KvCacheType kv, boolean exact) {
        List<LlamaCppOracle.Run> runs = LlamaCppOracle.run(model, 2, "probs", 10, 1, prompts);
        assertThat(runs).hasSize(prompts.size());
        double[] perPrompt = new double[prompts.size()];
        java.util.Arrays.fill(perPrompt, Double.NaN);
        int skipped = 0;
        try (Model m = Model.load(model, LoadOptions.builder().threads(2).exact(exact).build())) {
            String[] tokens = m.gguf().metadata().getStringArray("tokenizer.ggml.tokens");
            int[] types = m.gguf().metadata().getIntArray("tokenizer.ggml.token_type");
            Map<String, int[]> ids = LlamaCppOracle.textToIds(tokens, types);
            Map<Integer, String> uniqueText = new java.util.HashMap<>();
            ids.forEach((text, list) -> {
                if (list.length == 1) {
                    uniqueText.put(list[0], text);
                }
            });
            for (int i = 0; i < prompts.size(); i++) {
                float[] logits = m.newSession(256, kv).prefill(prompts.get(i)).clone();
                logits[EOS] = Float.NEGATIVE_INFINITY; // the oracle runs with ignore_eos, which does the same
                double lse = LogSoftmax.logSumExp(logits);
                // The last output with probabilities carries them (a partial UTF-8 token defers them).
                List<LlamaCppOracle.Token> out = runs.get(i).tokens();
                Map<String, Float> oracle = Map.of();
                for (int k = out.size() - 1; k >= 0 && oracle.isEmpty(); k--) {
                    oracle = out.get(k).probabilities();
                }
                if (oracle.isEmpty()) {
                    // llama.cpp 3.4.1 holds back a sampled incomplete UTF-8 byte and then sends no
                    // probabilities at all for a 1-token reply; nothing to compare for this prompt.
                    skipped++;
                    continue;
                }
                double maxDiff = 0;
                // Texts are the map's keys: two top-10 tokens printing alike would leave 9 entries.
                assertThat(oracle.size()).as("oracle probabilities %s", oracle).isBetween(9, 10);
                int compared = 0;
                double oracleMin = 0;
                for (Map.Entry<String, Float> e : oracle.entrySet()) {
                    int[] candidates = ids.get(e.getKey());
                    double lp = Math.log(e.getValue());
                    oracleMin = Math.min(oracleMin, lp);
                    if (candidates == null) {
                        continue; // a text no plain token prints as (control tokens, partial UTF-8)
                    }
                    // When several ids print alike, the oracle's entry is one of them: take the closest.
                    double diff = Double.POSITIVE_INFINITY;
                    for (int id : candidates) {
                        diff = Math.min(diff, Math.abs((logits[id] - lse) - lp));
                    }
                    maxDiff = Math.max(maxDiff, diff);
                    compared++;
                }
                perPrompt[i] = maxDiff;
                System.out.printf("oracle-detail %s %s prompt %d (%d tokens) max %.3g%n", model.getFileName(), kv, i,
                        prompts.get(i).length, maxDiff);
                assertThat(compared).as("comparable oracle tokens in %s", oracle).isGreaterThanOrEqualTo(8);
                // Same top-10: each of our top-10 tokens that prints uniquely is in the oracle's map,
                // or within tolerance of the oracle's 10th.
                LogprobStep top = new LogprobStep(10).compute(logits, 0, logits.length, 0);
                for (int r = 0; r < top.topCount(); r++) {
                    String text = uniqueText.get(top.topId(r));
                    if (text != null && !oracle.containsKey(text)) {
                        assertThat(top.topLogprob(r)).as("our top-10 token %d '%s' missing from oracle %s", top.topId(r), text, oracle)
                                .isLessThanOrEqualTo(oracleMin + tolerance);
                    }
                }
            }
        }
        assertThat(prompts.size() - skipped).as("prompts compared for %s", model.getFileName()).isGreaterThanOrEqualTo(2);
        return perPrompt;
    }

    /**
     * Next-token logprobs on stories260K in both precisions, per prompt.
     *
     * <p>llama.cpp 3.4.1 keeps K and V in an F16 cache and, for a prompt batch, rounds q to F16 for
     * the K·q product (ggml's mul_mat converts a non-contiguous src1 to the F16 weights' vec_dot_type);
     * the softmax weights meet V in float (llamafile's tinyBLAS takes F16 A × F32 B when n_kv, a
     * multiple of 32, is a multiple of 8). {@link KvCacheType#F16} rounds the same values. That
     * rounding makes the result discontinuous in the float32 arithmetic before it: a value one ulp
     * either side of an F16 rounding boundary moves by a whole F16 ulp. On this model, perturbing
     * the rounded values by up to 16 float ulps (1e-6 relative, far below F16's 5e-4) moves a
     * prompt's top-10 difference anywhere between 1e-5 and 5e-3. So the oracle is reproduced to
     * 1e-5 on prompts where no value lands in a different F16 bucket, and to a few 1e-3 elsewhere;
     * closer agreement would need llama.cpp's exact float32 operation order (tinyBLAS lanes, its
     * polynomial expf in softmax and SiLU). The exact {@link KvCacheType#F32} path differs from the
     * oracle by the F16 rounding itself.
     *
     * <p>Bounds: F16-cache emulation 3e-3 (measured at most 2.48e-3 over the nine prompts), exact path
     * 1.2e-2 (measured at most 9.4e-3); both margins are about a quarter of the measured value, less
     * than one F16 ulp of a logit here, since one more value in another F16 bucket moves a prompt by that much.
     */
    static final double F16_EMULATION_BOUND = 3e-3;
    static final double EXACT_BOUND = 1.2e-2;

    @Test
    void storiesTop10NextTokenLogprobsAgreeWithLlamaCpp() {
        List<int[]> prompts = storyPrompts();
        double[] emulated = compareNextTokenPerPrompt(TestModels.stories(), prompts, F16_EMULATION_BOUND, KvCacheType.F16);
        double[] exact = compareNextTokenPerPrompt(TestModels.stories(), prompts, EXACT_BOUND, KvCacheType.F32);
        double minEmulated = Double.POSITIVE_INFINITY;
        for (int i = 0; i < prompts.size(); i++) {
            System.out.printf("oracle stories260K prompt %d (%3d tokens): max |dlogprob| F16 cache %.3g, F32 (exact) %.3g%n", i,
                    prompts.get(i).length, emulated[i], exact[i]);
            REPORT.put(String.format("stories260K prompt %d, F16 cache", i), emulated[i]);
            REPORT.put(String.format("stories260K prompt %d, F32 exact", i), exact[i]);
            assertThat(emulated[i]).as("F16-cache difference, prompt %d", i).isLessThanOrEqualTo(F16_EMULATION_BOUND);
            assertThat(exact[i]).as("exact difference, prompt %d", i).isLessThanOrEqualTo(EXACT_BOUND);
            if (!Double.isNaN(emulated[i])) {
                minEmulated = Math.min(minEmulated, emulated[i]);
            }
        }
        // Where no rounding flips, the emulation is the oracle's arithmetic up to float32 noise (observed
        // 1.1e-5 and 1.3e-5). Rounding the softmax weights too, or keeping q in float, gives > 1e-3 on
        // every prompt, so this pins which values llama.cpp rounds.
        assertThat(minEmulated).isLessThan(1e-4);
    }

    @Test
    void storiesGreedy64TokensAreIdentical() {
        List<int[]> prompts = storyPrompts();
        List<LlamaCppOracle.Run> runs = LlamaCppOracle.run(TestModels.stories(), 2, "greedy", 0, 64, prompts);
        try (Model m = Model.load(TestModels.stories(), LoadOptions.builder().threads(2).build())) {
            String[] tokens = m.gguf().metadata().getStringArray("tokenizer.ggml.tokens");
            for (KvCacheType kv : KvCacheType.values()) {
                for (int i = 0; i < prompts.size(); i++) {
                    GenerationResult r = new Generator(m.newSession(256, kv))
                            .generate(GenerationRequest.builder(prompts.get(i)).maxTokens(64).stopTokenIds(EOS).build());
                    StringBuilder ours = new StringBuilder();
                    for (int id : r.tokenIds()) {
                        String piece = tokens[id];
                        ours.append(piece.matches("<0x[0-9A-F]{2}>") ? String.valueOf((char) Integer.parseInt(piece.substring(3, 5), 16))
                                : piece.replace('\u2581', ' '));
                    }
                    StringBuilder theirs = new StringBuilder();
                    runs.get(i).tokens().forEach(t -> theirs.append(t.text()));
                    assertThat(ours.toString()).as("prompt %d, %s", i, kv).isEqualTo(theirs.toString());
                    assertThat(r.steps().size()).as("prompt %d generated tokens", i).isGreaterThan(20);
                }
            }
        }
    }

    /**
     * Tolerance per weight type. The engine multiplies the stored weights with float activations;
     * llama.cpp's CPU kernels first round the activations to the weights' "vec_dot_type": F16 for
     * F16 weights (relative error 2^-11), BF16 for BF16 (2^-8), and 8-bit blocks (Q8_0 / Q8_K,
     * roughly 0.4-1% of a block's largest value) for quantised weights. The synthetic models have
     * random weights and peaked outputs (logit spread ~4), which amplify these errors to the
     * differences reported by this test (up to 7e-4 for F32/F16, 6e-2 for BF16, 0.03-0.46 for
     * Q8_0, Q4_0, Q4_K and Q6_K). The bounds sit above those and far below what a wrong decoder or layout causes
     * (several nats, and different top-10 sets). With 8-bit activations (not exact mode) the engine
     * rounds the activations of quantised weights as llama.cpp does, which about halves the
     * differences (measured 1.2e-5 to 0.26 against 0.035 to 0.46 in exact mode, same models); what
     * remains is F16 KV-cache rounding flipping on float32 order differences (see the stories test),
     * which these peaked random models amplify.
     */
    static double tolerance(GgmlType t, boolean exact) {
        return switch (t) {
            case F32, F16 -> 2e-3;
            case BF16 -> 0.15;
            default -> exact ? 0.6 : INT8_TOLERANCE;
        };
    }

    /** Quantised weights with llama.cpp's 8-bit activations: only float summation order and F16 rounding remain. */
    static final double INT8_TOLERANCE = 0.4;

    @Test
    void syntheticModelsOfEveryArchitectureAndTypeAgree() {
        Path dir = TestModels.targetDir("synthetic");
        List<int[]> prompts = prompts();
        List<String> failures = new ArrayList<>();
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K,
                GgmlType.Q6_K}) {
            for (SyntheticModel spec : List.of(SyntheticModel.small("llama", t),
                    new SyntheticModel("llama", t, 256, 2, 4, 2, 64, 512, true, false, 5),
                    new SyntheticModel("qwen2", t, 256, 2, 4, 2, 64, 512, false, t == GgmlType.Q8_0, 6))) {
                Path file = spec.write(dir);
                for (boolean exact : new boolean[] {true, false}) {
                    if (!exact && (t == GgmlType.F32 || t == GgmlType.F16 || t == GgmlType.BF16)) {
                        continue; // float weights ignore the switch
                    }
                    double d = compareNextToken(file, prompts, tolerance(t, exact), KvCacheType.F16, exact);
                    String name = spec.fileName() + (exact ? "" : " int8");
                    REPORT.put(name, d);
                    if (d >= tolerance(t, exact)) {
                        failures.add(name + ": " + d + " >= " + tolerance(t, exact));
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /**
     * Tolerance for the types issue 10 added, per type. As for the older quantised types, the
     * difference comes from llama.cpp rounding the activations to 8 bits (Q8_0 blocks for Q5_0 and
     * IQ4_NL, Q8_1 for Q4_1 and Q5_1, Q8_K for the K-quants and IQ4_XS) while the engine keeps
     * them float; the stored weights are read identically (a wrong decoder moves logprobs by
     * nats and changes the top-10). That rounding error does not depend on the weight type, so
     * the bound is the older types' 0.6 for all of them; measured maxima are in the README.
     */
    static double newTypeTolerance(GgmlType t) {
        return switch (t) {
            case Q4_1, Q5_0, Q5_1, IQ4_NL, Q2_K, Q3_K, Q5_K, IQ4_XS -> 0.6;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    @Test
    void newTensorTypesAgreeWithLlamaCpp() {
        Path dir = TestModels.targetDir("synthetic");
        List<int[]> prompts = prompts();
        List<String> failures = new ArrayList<>();
        for (GgmlType t : TransformerReferenceTest.NEW_TYPES) {
            for (SyntheticModel spec : List.of(SyntheticModel.small("llama", t), SyntheticModel.small("qwen2", t))) {
                Path file = spec.write(dir);
                double d = compareNextToken(file, prompts, newTypeTolerance(t), KvCacheType.F16, true);
                REPORT.put(spec.fileName(), d);
                if (d >= newTypeTolerance(t)) {
                    failures.add(spec.fileName() + ": " + d + " >= " + newTypeTolerance(t));
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /**
     * llama.cpp's Q4_K_M and Q5_K_M layouts in the Qwen2.5-0.5B, Llama-3.2-1B and Phi-3.5-mini shapes
     * (mixed Q4_K/Q5_K/Q6_K with the Q5_0/Q5_1/Q8_0 fallbacks for 896-wide rows; Phi's fused qkv
     * promoted to Q5_K/Q6_K); Gemma-3-1B, which 3.4.1 does not know, is in
     * {@link LlamaCppArchitecturesIT}. The difference has
     * the same cause as for single-type files (8-bit activation rounding on llama.cpp's side), but
     * these shapes tie the output to the embedding (gain 1, not 4), so the next-token
     * distribution is flatter and amplifies it less: measured at most 0.057, bound 0.2. Phi-3.5
     * has its own output matrix (gain 4, as the single-type files): measured at most 0.305, bound 0.4.
     */
    @Test
    void mixedLayoutFilesAgreeWithLlamaCpp() {
        Path dir = TestModels.targetDir("mixed");
        List<int[]> prompts = prompts();
        List<String> failures = new ArrayList<>();
        for (MixedLayouts.Spec spec : MixedLayouts.all()) {
            if (spec.shape().arch().equals("gemma3")) {
                continue;
            }
            Path file = spec.write(dir);
            double bound = spec.shape().tied() ? 0.2 : 0.4;
            double d = compareNextToken(file, prompts, bound, KvCacheType.F16, true);
            REPORT.put(spec.fileName(), d);
            if (d >= bound) {
                failures.add(spec.fileName() + ": " + d + " >= " + bound);
            }
        }
        assertThat(failures).isEmpty();
    }

    @AfterAll
    static void report() {
        REPORT.forEach((k, v) -> System.out.printf("oracle %-36s max |dlogprob| over top-10 = %.3g%n", k, v));
    }
}
