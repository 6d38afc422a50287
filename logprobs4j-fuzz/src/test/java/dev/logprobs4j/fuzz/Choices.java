package dev.logprobs4j.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.SplittableRandom;

/**
 * Source of the decisions a mutator makes: a seeded PRNG for the deterministic sweeps, or Jazzer's
 * data provider so that the coverage-guided fuzzer steers the same structured mutations.
 */
interface Choices {
    /** A value in {@code [0, bound)}; {@code bound > 0}. */
    int nextInt(int bound);

    /** Any long. */
    long nextLong();

    static Choices of(SplittableRandom random) {
        return new Choices() {
            @Override
            public int nextInt(int bound) {
                return random.nextInt(bound);
            }

            @Override
            public long nextLong() {
                return random.nextLong();
            }
        };
    }

    static Choices of(FuzzedDataProvider data) {
        return new Choices() {
            @Override
            public int nextInt(int bound) {
                return data.consumeInt(0, bound - 1);
            }

            @Override
            public long nextLong() {
                return data.consumeLong();
            }
        };
    }
}
