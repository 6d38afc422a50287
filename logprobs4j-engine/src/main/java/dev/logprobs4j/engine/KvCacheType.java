package dev.logprobs4j.engine;

/**
 * Numeric precision of a session's attention (KV cache and the products that read it).
 */
public enum KvCacheType {
    /** Everything in float32: the closest this engine gets to the exact model. The default. */
    F32,
    /**
     * Rounds keys, values and queries to half precision where llama.cpp's CPU backend does with
     * its default F16 KV cache (its K·q product converts q to F16; the attention weights stay
     * float), to reproduce its logprobs closely: on stories260K this brings the top-10 logprob
     * difference from about 4e-3 to about 1e-5. The cache is still stored as float, so memory use
     * is that of {@link #F32}.
     */
    F16
}
