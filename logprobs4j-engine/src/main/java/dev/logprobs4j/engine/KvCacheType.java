package dev.logprobs4j.engine;

/**
 * Numeric precision of a session's attention (KV cache and the products that read it).
 */
public enum KvCacheType {
    /** Everything in float32: the closest this engine gets to the exact model. The default. */
    F32,
    /**
     * Rounds keys and values, and the queries of a prompt batch, to half precision where llama.cpp's
     * CPU backend does with its default F16 KV cache (its K·q product converts a batch's q to F16;
     * the attention weights meet V in float), to reproduce its logprobs: a llama.cpp emulation
     * mode, lossy on purpose. The rounding makes results jump whenever float32 arithmetic before it
     * lands a value in a different half-precision bucket, so agreement with llama.cpp is within
     * about 1e-5 on prompts where no value does and a few 1e-3 elsewhere (stories260K: at most
     * 2.5e-3 over the top-10, against up to 9.4e-3 with {@link #F32}). The cache is still stored
     * as float, so memory use is that of {@link #F32}.
     */
    F16
}
