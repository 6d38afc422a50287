package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.KvCacheType;
import dev.logprobs4j.engine.ModelConfig;

/**
 * The keys and values of one sequence, for every layer and position up to its capacity, with the
 * rotary table its positions use. Storage grows with the positions written (doubling, up to the
 * capacity), so an idle or short conversation does not hold a full-context cache: a server can
 * keep many sessions. Not thread-safe: a sequence is fed by one forward pass at a time.
 */
public final class KvCache {
    /** Positions allocated up front. */
    private static final int INITIAL_POSITIONS = 64;

    final float[][] keys; // (layer, position, keyDim), positions allocated so far
    final float[][] values; // (layer, position, valueDim)
    private final int keyDim;
    private final int valueDim;
    final boolean half; // llama.cpp's F16 cache emulation (see KvCacheType.F16)
    final RopeTable rope;
    private final int capacity;

    public KvCache(ModelConfig config, int capacity, KvCacheType type, RopeTable rope) {
        if (rope.positions() < capacity) {
            throw new IllegalArgumentException("rope table covers " + rope.positions() + " positions, the cache " + capacity);
        }
        int layers = config.blockCount();
        this.keyDim = config.keyDim();
        this.valueDim = config.valueDim();
        Math.multiplyExact(capacity, Math.max(keyDim, valueDim)); // fails now, not mid-conversation, if a layer can never fit
        int initial = Math.min(capacity, INITIAL_POSITIONS);
        this.keys = new float[layers][Math.multiplyExact(initial, keyDim)];
        this.values = new float[layers][Math.multiplyExact(initial, valueDim)];
        this.half = type == KvCacheType.F16;
        this.rope = rope;
        this.capacity = capacity;
    }

    /** Makes room in {@code layer} for position {@code pos} (< capacity). */
    void reserve(int layer, int pos) {
        if ((long) (pos + 1) * keyDim <= keys[layer].length) {
            return;
        }
        int positions = (int) Math.min(capacity, Math.max(pos + 1L, 2L * keys[layer].length / keyDim));
        keys[layer] = java.util.Arrays.copyOf(keys[layer], positions * keyDim);
        values[layer] = java.util.Arrays.copyOf(values[layer], positions * valueDim);
    }

    /** Positions this cache holds. */
    public int capacity() {
        return capacity;
    }
}
