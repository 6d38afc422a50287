package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.ModelConfig;

/**
 * Rotary position angles of one model for positions {@code 0 .. positions()}, shared by every
 * sequence that fits in it. Immutable and thread-safe.
 */
public final class RopeTable {
    private final int positions;
    private final int half;
    private final float[] cos; // (position, ropeDims/2)
    private final float[] sin; // (position, ropeDims/2)

    public RopeTable(ModelConfig config, float[] freqFactors, int positions) {
        this.positions = positions;
        this.half = config.ropeDimensionCount() / 2;
        this.cos = new float[Math.multiplyExact(positions, half)];
        this.sin = new float[positions * half];
        // Angles in double: at late positions float angles would lose digits the model can see.
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(config.ropeFreqBase(), -2.0 * i / config.ropeDimensionCount()) * config.ropeFreqScale();
            if (freqFactors != null) {
                freq /= freqFactors[i];
            }
            for (int p = 0; p < positions; p++) {
                double theta = p * freq;
                cos[p * half + i] = (float) Math.cos(theta);
                sin[p * half + i] = (float) Math.sin(theta);
            }
        }
    }

    /** Number of positions covered. */
    public int positions() {
        return positions;
    }

    /** Rotates the pairs of {@code vec[o ..]} for {@code pos}: adjacent pairs if {@code neox} is false, halves otherwise. */
    void rotate(float[] vec, int o, int pos, boolean neox) {
        int base = pos * half;
        if (!neox) {
            for (int i = 0; i < half; i++) {
                float c = cos[base + i];
                float s = sin[base + i];
                float x0 = vec[o + 2 * i];
                float x1 = vec[o + 2 * i + 1];
                vec[o + 2 * i] = x0 * c - x1 * s;
                vec[o + 2 * i + 1] = x0 * s + x1 * c;
            }
        } else {
            for (int i = 0; i < half; i++) {
                float c = cos[base + i];
                float s = sin[base + i];
                float x0 = vec[o + i];
                float x1 = vec[o + i + half];
                vec[o + i] = x0 * c - x1 * s;
                vec[o + i + half] = x0 * s + x1 * c;
            }
        }
    }
}
