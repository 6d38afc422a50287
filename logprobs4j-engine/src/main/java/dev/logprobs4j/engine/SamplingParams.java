package dev.logprobs4j.engine;

/**
 * How the next token is chosen from the logits. Immutable.
 *
 * <p>With {@code temperature == 0} the most likely token is taken (greedy) and the other fields
 * are ignored. Otherwise, as in llama.cpp's default chain, top-k, then top-p, then min-p truncate
 * the distribution of the raw logits, the survivors' logits are divided by {@code temperature},
 * and a token is drawn with a random generator seeded by {@code seed}: the same seed on the same
 * logits gives the same tokens.
 *
 * @param temperature >= 0; 0 means greedy
 * @param topK keep the {@code topK} most likely tokens; 0 disables
 * @param topP keep the smallest set of most likely tokens whose probability reaches {@code topP}; 1 disables
 * @param minP drop tokens whose probability is below {@code minP} times the top one's; 0 disables
 * @param seed seed of the random generator
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, long seed) {
    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, is " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 disables), is " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be within (0, 1], is " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("minP must be within [0, 1], is " + minP);
        }
    }

    /** Greedy decoding. */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 0L);
    }

    /** Plain sampling from the full distribution at {@code temperature} with {@code seed}. */
    public static SamplingParams ofTemperature(float temperature, long seed) {
        return new SamplingParams(temperature, 0, 1f, 0f, seed);
    }

    public SamplingParams withTopK(int topK) {
        return new SamplingParams(temperature, topK, topP, minP, seed);
    }

    public SamplingParams withTopP(float topP) {
        return new SamplingParams(temperature, topK, topP, minP, seed);
    }

    public SamplingParams withMinP(float minP) {
        return new SamplingParams(temperature, topK, topP, minP, seed);
    }

    public SamplingParams withSeed(long seed) {
        return new SamplingParams(temperature, topK, topP, minP, seed);
    }

    /** Whether this picks the argmax. */
    public boolean isGreedy() {
        return temperature == 0f;
    }
}
