package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.ModelConfig;

/**
 * Rotary position angles of one model for positions {@code 0 .. positions()}, shared by every
 * sequence that fits in it. Immutable and thread-safe.
 *
 * <p>Sliding-window layers of gemma3 rotate with their own base (10000, unscaled): they get a second
 * table. The attention factor of LongRoPE (phi3) multiplies cos and sin, as ggml's rope does, so it
 * scales the rotated dimensions only.
 */
public final class RopeTable {
    private final int positions;
    private final int half;
    private final float[] cos; // (position, ropeDims/2)
    private final float[] sin; // (position, ropeDims/2)
    private final float[] slidingCos; // (position, ropeDims/2), or null: sliding layers use cos/sin
    private final float[] slidingSin;

    public RopeTable(ModelConfig config, float[] freqFactors, int positions) {
        this.positions = positions;
        this.half = config.ropeDimensionCount() / 2;
        this.cos = new float[Math.multiplyExact(positions, half)];
        this.sin = new float[positions * half];
        fill(cos, sin, config.ropeFreqBase(), config.ropeFreqScale(), freqFactors, config.ropeAttentionFactor(),
                config.ropeDimensionCount());
        if (config.slidingRopeFreqBase() > 0) {
            slidingCos = new float[positions * half];
            slidingSin = new float[positions * half];
            fill(slidingCos, slidingSin, config.slidingRopeFreqBase(), 1f, null, 1f, config.ropeDimensionCount());
        } else {
            slidingCos = cos;
            slidingSin = sin;
        }
    }

    private void fill(float[] cos, float[] sin, double base, double scale, float[] factors, double mscale, int dims) {
        // Angles in double: at late positions float angles would lose digits the model can see.
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(base, -2.0 * i / dims) * scale;
            if (factors != null) {
                freq /= factors[i];
            }
            for (int p = 0; p < positions; p++) {
                double theta = p * freq;
                cos[p * half + i] = (float) (Math.cos(theta) * mscale);
                sin[p * half + i] = (float) (Math.sin(theta) * mscale);
            }
        }
    }

    /** Number of positions covered. */
    public int positions() {
        return positions;
    }

    /**
     * Rotates the pairs of {@code vec[o ..]} for {@code pos}: adjacent pairs if {@code neox} is false,
     * halves of the rotated dimensions otherwise; {@code sliding} picks the sliding layers' angles.
     */
    void rotate(float[] vec, int o, int pos, boolean neox, boolean sliding) {
        float[] cos = sliding ? slidingCos : this.cos;
        float[] sin = sliding ? slidingSin : this.sin;
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
