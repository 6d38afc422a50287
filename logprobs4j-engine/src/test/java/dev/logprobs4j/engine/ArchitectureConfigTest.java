package dev.logprobs4j.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.logprobs4j.gguf.GgmlType;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-architecture switches the loader derives from a file, against llama.cpp's rules, layer by layer. */
class ArchitectureConfigTest {
    private static ModelConfig config(SyntheticModel spec) {
        Path file = spec.write(TestModels.targetDir("synthetic"));
        try (Model m = Model.load(file, LoadOptions.builder().threads(1).build())) {
            return m.config();
        }
    }

    private static boolean[] sliding(ModelConfig c) {
        boolean[] s = new boolean[c.blockCount()];
        IntStream.range(0, s.length).forEach(l -> s[l] = c.slidingLayer(l));
        return s;
    }

    @Test
    void gemma2SlidesEveryEvenLayerAndSoftCaps() {
        ModelConfig c = config(new SyntheticModel("gemma2", GgmlType.F32, 256, 4, 4, 2, 64, 256, false, true, 41));
        assertThat(sliding(c)).containsExactly(true, false, true, false);
        assertThat(c.slidingWindow()).isEqualTo(SyntheticModel.WINDOW);
        assertThat(c.attentionSoftcap()).isEqualTo(20f);
        assertThat(c.finalSoftcap()).isEqualTo(15f);
        assertThat(c.embeddingScale()).isEqualTo((float) Math.sqrt(256));
        assertThat(c.geluFeedForward()).isTrue();
        assertThat(c.postNorms()).isTrue();
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.ropeType()).isEqualTo(RopeType.NEOX);
        assertThat(c.attentionScale()).isEqualTo((float) (1 / Math.sqrt(64)));
    }

    @Test
    void gemma3SlidesFiveOfSixLayersWithItsOwnRopeBase() {
        ModelConfig c = config(new SyntheticModel("gemma3", GgmlType.F32, 256, 7, 4, 2, 128, 256, false, true, 42));
        assertThat(sliding(c)).containsExactly(true, true, true, true, true, false, true);
        assertThat(c.slidingRopeFreqBase()).isEqualTo(10000f);
        assertThat(c.ropeFreqBase()).isEqualTo(1e6f);
        assertThat(c.ropeFreqScale()).isEqualTo(1 / 8f);
        assertThat(c.queryKeyNorm()).isTrue();
        assertThat(c.attentionSoftcap()).isZero();
        assertThat(c.finalSoftcap()).isZero();
        // key_length 128 with dim 256 and 4 heads: the scale follows the head size, not dim / heads.
        assertThat(c.attentionScale()).isEqualTo((float) (1 / Math.sqrt(128)));
    }

    @Test
    void phi3ReadsLongRopeAndSplitsFusedTensors() {
        ModelConfig c = config(new SyntheticModel("phi3", GgmlType.F32, 256, 2, 4, 2, 64, 512, false, false, 43, 48, 4096));
        assertThat(c.ropeOriginalContext()).isEqualTo(4096);
        assertThat(c.ropeDimensionCount()).isEqualTo(48);
        assertThat(c.ropeAttentionFactor()).isEqualTo((float) Math.sqrt(1 + Math.log(32) / Math.log(4096)));
        assertThat(c.slidingLayer(0)).as("phi3's window covers every layer").isTrue();
        assertThat(c.slidingWindow()).isEqualTo(262144);
        assertThat(c.geluFeedForward()).isFalse();
        assertThat(c.embeddingScale()).isEqualTo(1f);
    }

    @Test
    void smollm3SkipsRopeInEveryFourthLayer() {
        ModelConfig c = config(new SyntheticModel("smollm3", GgmlType.F32, 256, 8, 4, 2, 64, 256, false, true, 44));
        boolean[] rope = new boolean[8];
        IntStream.range(0, 8).forEach(l -> rope[l] = c.ropeLayer(l));
        assertThat(rope).containsExactly(true, true, true, false, true, true, true, false);
        assertThat(c.ropeType()).isEqualTo(RopeType.NORMAL);
        assertThat(sliding(c)).containsOnly(false);
    }
}
