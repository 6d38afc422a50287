package dev.logprobs4j.engine.internal;

import dev.logprobs4j.engine.KvCacheType;
import dev.logprobs4j.engine.ModelConfig;

/**
 * The keys and values of one sequence, for every layer and position up to its capacity, with the
 * rotary table its positions use. Not thread-safe: a sequence is fed by one forward pass at a time.
 */
public final class KvCache {
    final float[][] keys; // (layer, position, keyDim)
    final float[][] values; // (layer, position, valueDim)
    final boolean half; // llama.cpp's F16 cache emulation (see KvCacheType.F16)
    final RopeTable rope;
    private final int capacity;

    public KvCache(ModelConfig config, int capacity, KvCacheType type, RopeTable rope) {
        if (rope.positions() < capacity) {
            throw new IllegalArgumentException("rope table covers " + rope.positions() + " positions, the cache " + capacity);
        }
        int layers = config.blockCount();
        this.keys = new float[layers][Math.multiplyExact(capacity, config.keyDim())];
        this.values = new float[layers][Math.multiplyExact(capacity, config.valueDim())];
        this.half = type == KvCacheType.F16;
        this.rope = rope;
        this.capacity = capacity;
    }

    /** Positions this cache holds. */
    public int capacity() {
        return capacity;
    }
}
