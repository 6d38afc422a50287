package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgmlType;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufTensorInfo;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** llama.cpp's Q4_K_M / Q5_K_M layouts in real model shapes: the rules, and files in them that load and run. */
class LlamaCppLayoutTest {

    @Test
    void useMoreBitsPicksTheFirstAndLastEighthAndEveryThirdLayerBetween() {
        // Qwen2.5-0.5B has 24 layers: 0-2, 21-23 and 5, 8, 11, 14, 17, 20.
        StringBuilder more = new StringBuilder();
        for (int l = 0; l < 24; l++) {
            if (LlamaCppLayout.useMoreBits(l, 24)) {
                more.append(l).append(' ');
            }
        }
        assertThat(more.toString()).isEqualTo("0 1 2 5 8 11 14 17 20 21 22 23 ");
    }

    @Test
    void qwen25HiddenWidthFallsBackToLegacyTypes() {
        LlamaCppLayout q4 = new LlamaCppLayout("Q4_K_M", 24, false, 7);
        // Tied embeddings take the output's type; 896 is not a multiple of 256, so Q8_0.
        assertThat(q4.typeOf("token_embd.weight", 896)).isEqualTo(GgmlType.Q8_0);
        assertThat(q4.typeOf("blk.3.attn_q.weight", 896)).isEqualTo(GgmlType.Q5_0);
        assertThat(q4.typeOf("blk.3.attn_v.weight", 896)).isEqualTo(GgmlType.Q5_0);
        assertThat(q4.typeOf("blk.5.attn_v.weight", 896)).isEqualTo(GgmlType.Q8_0); // Q6_K falls back to Q8_0
        assertThat(q4.typeOf("blk.3.ffn_down.weight", 4864)).isEqualTo(GgmlType.Q4_K); // 4864 = 19 * 256
        assertThat(q4.typeOf("blk.5.ffn_down.weight", 4864)).isEqualTo(GgmlType.Q6_K);
        LlamaCppLayout q5 = new LlamaCppLayout("Q5_K_M", 24, false, 7);
        assertThat(q5.typeOf("blk.3.ffn_up.weight", 896)).isEqualTo(GgmlType.Q5_1);
        assertThat(q5.typeOf("blk.3.ffn_down.weight", 4864)).isEqualTo(GgmlType.Q5_K);
        assertThat(q5.typeOf("blk.0.attn_v.weight", 896)).isEqualTo(GgmlType.Q8_0);
    }

    @Test
    void otherFileTypesAndFusedTensorsFollowTheirRules() {
        assertThat(new LlamaCppLayout("Q4_K_M", 32, true, 3).typeOf("blk.4.attn_qkv.weight", 3072)).isEqualTo(GgmlType.Q5_K);
        assertThat(new LlamaCppLayout("Q5_K_M", 32, true, 3).typeOf("blk.4.attn_qkv.weight", 3072)).isEqualTo(GgmlType.Q6_K);
        assertThat(new LlamaCppLayout("Q4_K_M", 32, true, 3).typeOf("token_embd.weight", 3072)).isEqualTo(GgmlType.Q4_K);
        assertThat(new LlamaCppLayout("Q4_K_M", 32, true, 3).typeOf("output.weight", 3072)).isEqualTo(GgmlType.Q6_K);
        LlamaCppLayout q3 = new LlamaCppLayout("Q3_K_M", 26, false, 4);
        assertThat(q3.typeOf("blk.1.attn_v.weight", 1152)).isEqualTo(GgmlType.Q5_1); // Gemma-3-1B width: Q5_K -> Q5_1
        assertThat(q3.typeOf("blk.2.attn_q.weight", 1152)).isEqualTo(GgmlType.IQ4_NL); // Q3_K -> IQ4_NL
        assertThat(q3.typeOf("blk.2.attn_output.weight", 1024)).isEqualTo(GgmlType.Q4_K);
        LlamaCppLayout iq4 = new LlamaCppLayout("IQ4_XS", 16, false, 4);
        assertThat(iq4.typeOf("blk.0.ffn_down.weight", 8192)).isEqualTo(GgmlType.Q5_K);
        assertThat(iq4.typeOf("blk.9.ffn_down.weight", 8192)).isEqualTo(GgmlType.IQ4_XS);
        assertThat(iq4.typeOf("blk.9.attn_v.weight", 2048)).isEqualTo(GgmlType.Q5_K);
        assertThat(iq4.typeOf("blk.9.attn_v.weight", 1152)).isEqualTo(GgmlType.Q5_1);
    }

    static java.util.List<MixedLayouts.Spec> specs() {
        return MixedLayouts.all();
    }

    /** The file holds the layout's types, ModelInfo counts them, and the engine agrees with the float64 reference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void mixedLayoutFileLoadsRunsAndMatchesTheReference(MixedLayouts.Spec spec) {
        Path file = spec.write(TestModels.targetDir("mixed"));
        Map<GgmlType, Integer> expected = new EnumMap<>(GgmlType.class);
        try (GgufFile gguf = GgufFile.open(file)) {
            for (GgufTensorInfo t : gguf.tensors()) {
                GgmlType want = t.rank() == 1 ? GgmlType.F32 : spec.layout().typeOf(t.name(), (int) t.dim(0));
                assertThat(t.type()).as(t.name()).isEqualTo(want);
                expected.merge(want, 1, Integer::sum);
            }
            ModelInfo info = ModelInfo.of(gguf);
            assertThat(info.tensorTypes()).isEqualTo(expected);
            assertThat(info.supported()).as("%s", info.unsupported()).isTrue();
        }
        System.out.printf("mixed %-32s types %s%n", spec.fileName(), expected);
        int[] prompt = TransformerReferenceTest.PROMPT;
        double[] ref = ReferenceForward.logSoftmax(ReferenceForward.logits(file, prompt));
        try (Model m = Model.load(file, LoadOptions.builder().threads(2).build())) {
            float[] logits = m.newSession(64).prefill(prompt);
            double lse = LogSoftmax.logSumExp(logits);
            double maxDiff = 0;
            for (int i = 0; i < logits.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs((logits[i] - lse) - ref[i]));
            }
            System.out.printf("reference %-32s max |dlogprob| = %.3g%n", spec.fileName(), maxDiff);
            assertThat(maxDiff).as(spec.fileName()).isLessThan(5e-5);
            GenerationResult r = new Generator(m.newSession(64))
                    .generate(GenerationRequest.builder(prompt).maxTokens(16).build());
            assertThat(r.tokenIds()).hasSize(16);
        }
    }
}
