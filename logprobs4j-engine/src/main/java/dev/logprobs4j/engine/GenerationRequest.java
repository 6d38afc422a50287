package dev.logprobs4j.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * What to generate: a prompt of token ids and the stopping and sampling rules.
 *
 * <p>Immutable; build with {@link #builder(int[])}. Arrays are copied in and out.
 */
public final class GenerationRequest {
    private final int[] promptTokens;
    private final int maxTokens;
    private final int[] stopTokenIds;
    private final int topLogprobs;
    private final boolean promptLogprobs;
    private final SamplingParams sampling;

    private GenerationRequest(Builder b) {
        this.promptTokens = b.promptTokens;
        this.maxTokens = b.maxTokens;
        this.stopTokenIds = b.stopTokenIds;
        this.topLogprobs = b.topLogprobs;
        this.promptLogprobs = b.promptLogprobs;
        this.sampling = b.sampling;
    }

    /** A builder for a request on {@code promptTokens} (at least one token). */
    public static Builder builder(int[] promptTokens) {
        return new Builder(promptTokens);
    }

    public Builder toBuilder() {
        return new Builder(promptTokens).maxTokens(maxTokens).stopTokenIds(stopTokenIds).topLogprobs(topLogprobs)
                .promptLogprobs(promptLogprobs).sampling(sampling);
    }

    public int[] promptTokens() {
        return promptTokens.clone();
    }

    int promptToken(int i) {
        return promptTokens[i];
    }

    int promptLength() {
        return promptTokens.length;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int[] stopTokenIds() {
        return stopTokenIds.clone();
    }

    boolean isStop(int token) {
        for (int s : stopTokenIds) {
            if (s == token) {
                return true;
            }
        }
        return false;
    }

    public int topLogprobs() {
        return topLogprobs;
    }

    public boolean promptLogprobs() {
        return promptLogprobs;
    }

    public SamplingParams sampling() {
        return sampling;
    }

    @Override
    public String toString() {
        return "GenerationRequest[prompt=" + promptTokens.length + " tokens, maxTokens=" + maxTokens + ", stop="
                + Arrays.toString(stopTokenIds) + ", topLogprobs=" + topLogprobs + ", promptLogprobs=" + promptLogprobs
                + ", " + sampling + "]";
    }

    /** Builder of {@link GenerationRequest}; not thread-safe. */
    public static final class Builder {
        private final int[] promptTokens;
        private int maxTokens = 256;
        private int[] stopTokenIds = new int[0];
        private int topLogprobs;
        private boolean promptLogprobs;
        private SamplingParams sampling = SamplingParams.greedy();

        private Builder(int[] promptTokens) {
            this.promptTokens = Objects.requireNonNull(promptTokens, "promptTokens").clone();
            if (promptTokens.length == 0) {
                throw new IllegalArgumentException("promptTokens must hold at least one token (e.g. BOS)");
            }
        }

        /** Most tokens to generate; default 256. */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 0) {
                throw new IllegalArgumentException("maxTokens must be >= 0, is " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /** Token ids that end generation (EOS, EOT); the stop token is not part of the output. Default none. */
        public Builder stopTokenIds(int... ids) {
            this.stopTokenIds = ids.clone();
            return this;
        }

        /** How many alternatives to report per step, within [0, 100]; default 0. */
        public Builder topLogprobs(int n) {
            if (n < 0 || n > 100) {
                throw new IllegalArgumentException("topLogprobs must be within [0, 100], is " + n);
            }
            this.topLogprobs = n;
            return this;
        }

        /** Whether to report the logprob of every prompt token after the first; default false. */
        public Builder promptLogprobs(boolean promptLogprobs) {
            this.promptLogprobs = promptLogprobs;
            return this;
        }

        /** The sampling rules; default {@link SamplingParams#greedy()}. */
        public Builder sampling(SamplingParams sampling) {
            this.sampling = Objects.requireNonNull(sampling, "sampling");
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(this);
        }
    }
}
