package dev.logprobs4j.local.constraint;

import java.util.Arrays;

/**
 * The tokens a constraint allows at one step, as a bitset over the vocabulary. Immutable
 * (shared through the grammar's cache); thread-safe.
 *
 * @see #apply(float[], int, float[])
 */
public final class TokenMask {
    private final long[] bits; // bit id set: token id allowed
    private final int count;
    private final int single; // the one allowed id when count == 1, else -1

    TokenMask(long[] bits) {
        this.bits = bits;
        int c = 0;
        int last = -1;
        for (int w = 0; w < bits.length; w++) {
            if (bits[w] != 0) {
                c += Long.bitCount(bits[w]);
                last = w * 64 + 63 - Long.numberOfLeadingZeros(bits[w]);
            }
        }
        this.count = c;
        this.single = c == 1 ? last : -1;
    }

    /** Whether token {@code id} is allowed. */
    public boolean allows(int id) {
        int w = id >>> 6;
        return w < bits.length && (bits[w] & (1L << id)) != 0;
    }

    /** How many tokens are allowed. */
    public int count() {
        return count;
    }

    /** Whether exactly one token is allowed: the grammar forces it. */
    public boolean forced() {
        return count == 1;
    }

    /** The forced token's id, or -1 when more than one is allowed. */
    public int single() {
        return single;
    }

    /**
     * The seam between raw logprobs and sampling: copies {@code logits[0 .. n)} into {@code out}
     * with every token the mask rejects at negative infinity, so a sampler (any temperature, top-k,
     * top-p or min-p) can only draw allowed tokens. {@code logits} is not modified: the raw
     * distribution stays available for the reported logprobs.
     *
     * @return {@code out}
     */
    public float[] apply(float[] logits, int n, float[] out) {
        Arrays.fill(out, 0, n, Float.NEGATIVE_INFINITY);
        for (int w = 0; w < bits.length; w++) {
            long word = bits[w];
            while (word != 0) {
                int id = w * 64 + Long.numberOfTrailingZeros(word);
                if (id >= n) {
                    return out;
                }
                out[id] = logits[id];
                word &= word - 1;
            }
        }
        return out;
    }
}
