package dev.logprobs4j.springai;

import java.util.List;
import java.util.Objects;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptions;
import org.springframework.ai.chat.prompt.DefaultChatOptionsBuilder;

/**
 * Spring AI chat options with what logprobs need: {@code logprobs}, {@code topLogprobs} (0..20)
 * and {@code seed}, beside Spring AI's common ones. Immutable.
 * {@snippet :
 * ChatResponse response = chatModel.call(new Prompt("how are you today",
 *         LogprobsChatOptions.builder().logprobs(true).topLogprobs(3).build()));
 * }
 */
public class LogprobsChatOptions extends DefaultChatOptions {

    private final Boolean logprobs;
    private final Integer topLogprobs;
    private final Long seed;

    protected LogprobsChatOptions(Builder b) {
        super(b.model(), b.frequencyPenalty(), b.maxTokens(), b.presencePenalty(), b.stopSequences(), b.temperature(),
                b.topK(), b.topP());
        this.logprobs = b.logprobs;
        this.topLogprobs = b.topLogprobs;
        this.seed = b.seed;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether to return each token's log probability, or {@code null} for the model's default. */
    public Boolean getLogprobs() {
        return logprobs;
    }

    /** How many alternatives per position to return, or {@code null}. */
    public Integer getTopLogprobs() {
        return topLogprobs;
    }

    /** The sampling seed, or {@code null}. */
    public Long getSeed() {
        return seed;
    }

    @Override
    public Builder mutate() {
        Builder b = new Builder();
        b.model(getModel()).frequencyPenalty(getFrequencyPenalty()).maxTokens(getMaxTokens())
                .presencePenalty(getPresencePenalty()).stopSequences(getStopSequences()).temperature(getTemperature())
                .topK(getTopK()).topP(getTopP());
        return b.logprobs(logprobs).topLogprobs(topLogprobs).seed(seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogprobsChatOptions l && super.equals(o) && Objects.equals(logprobs, l.logprobs)
                && Objects.equals(topLogprobs, l.topLogprobs) && Objects.equals(seed, l.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), logprobs, topLogprobs, seed);
    }

    @Override
    public String toString() {
        return "LogprobsChatOptions{model=" + getModel() + ", temperature=" + getTemperature() + ", topP=" + getTopP()
                + ", maxTokens=" + getMaxTokens() + ", stop=" + getStopSequences() + ", logprobs=" + logprobs
                + ", topLogprobs=" + topLogprobs + ", seed=" + seed + "}";
    }

    /** Builds {@link LogprobsChatOptions}; not thread-safe. Every option defaults to unset ({@code null}). */
    public static class Builder extends DefaultChatOptionsBuilder<Builder> {
        private Boolean logprobs;
        private Integer topLogprobs;
        private Long seed;

        /** Return each token's log probability. Default: unset (the wrapped model's bound options decide). */
        public Builder logprobs(Boolean logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** Return this many alternatives per position, 0..20 (needs {@code logprobs(true)}). Default: unset. */
        public Builder topLogprobs(Integer topLogprobs) {
            this.topLogprobs = topLogprobs;
            return this;
        }

        /** Seed for reproducible sampling. Default: unset. */
        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        @Override
        public Builder combineWith(ChatOptions.Builder<?> other) {
            super.combineWith(other);
            if (other instanceof Builder that) {
                logprobs = that.logprobs != null ? that.logprobs : logprobs;
                topLogprobs = that.topLogprobs != null ? that.topLogprobs : topLogprobs;
                seed = that.seed != null ? that.seed : seed;
            }
            return this;
        }

        String model() { return model; }
        Double frequencyPenalty() { return frequencyPenalty; }
        Integer maxTokens() { return maxTokens; }
        Double presencePenalty() { return presencePenalty; }
        List<String> stopSequences() { return stopSequences; }
        Double temperature() { return temperature; }
        Integer topK() { return topK; }
        Double topP() { return topP; }

        @Override
        public LogprobsChatOptions build() {
            return new LogprobsChatOptions(this);
        }
    }
}
