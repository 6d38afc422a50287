package dev.logprobs4j.engine;

/**
 * Which pairs of a head's dimensions a rotary position embedding rotates together.
 *
 * <p>llama.cpp's converter stores Llama q/k weights permuted so that adjacent dimensions form the
 * pairs ({@link #NORMAL}); Qwen2/Qwen3 keep the Hugging Face layout that pairs dimension
 * {@code i} with {@code i + n/2} ({@link #NEOX}).
 */
public enum RopeType {
    /** Pairs {@code (2i, 2i+1)}: llama.cpp's {@code LLAMA_ROPE_TYPE_NORM}, used for {@code llama}. */
    NORMAL,
    /** Pairs {@code (i, i + n/2)}: llama.cpp's {@code LLAMA_ROPE_TYPE_NEOX}, used for {@code qwen2} and {@code qwen3}. */
    NEOX
}
