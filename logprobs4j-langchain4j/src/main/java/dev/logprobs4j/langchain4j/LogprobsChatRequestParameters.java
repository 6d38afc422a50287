package dev.logprobs4j.langchain4j;

import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import java.util.Objects;

/**
 * LangChain4j request parameters with the options logprobs need: {@code logprobs},
 * {@code topLogprobs} (0..20) and {@code seed}, beside LangChain4j's common ones. Immutable.
 * Pass them as a model's default parameters or in one {@code ChatRequest}; a request's values
 * override the defaults one by one. LangChain4j's {@code OpenAiChatRequestParameters} are read too:
 * their {@code logprobs}, {@code topLogprobs} and {@code seed} count as these.
 * {@snippet :
 * ChatRequest request = ChatRequest.builder()
 *         .messages(UserMessage.from("how are you today"))
 *         .parameters(LogprobsChatRequestParameters.builder().logprobs(true).topLogprobs(3).build())
 *         .build();
 * }
 */
public class LogprobsChatRequestParameters extends DefaultChatRequestParameters {

    private final Boolean logprobs;
    private final Integer topLogprobs;
    private final Long seed;

    protected LogprobsChatRequestParameters(Builder builder) {
        super(builder);
        this.logprobs = builder.logprobs;
        this.topLogprobs = builder.topLogprobs;
        this.seed = builder.seed;
    }

    /** Whether to return each token's log probability, or {@code null} for the model's default. */
    public Boolean logprobs() {
        return logprobs;
    }

    /** How many alternatives per position to return, or {@code null} for none. */
    public Integer topLogprobs() {
        return topLogprobs;
    }

    /** The sampling seed, or {@code null} for a random one. */
    public Long seed() {
        return seed;
    }

    @Override
    public LogprobsChatRequestParameters overrideWith(ChatRequestParameters that) {
        return builder().overrideWith(this).overrideWith(that).build();
    }

    @Override
    public LogprobsChatRequestParameters defaultedBy(ChatRequestParameters that) {
        return builder().overrideWith(that).overrideWith(this).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogprobsChatRequestParameters p && super.equals(o) && Objects.equals(logprobs, p.logprobs)
                && Objects.equals(topLogprobs, p.topLogprobs) && Objects.equals(seed, p.seed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), logprobs, topLogprobs, seed);
    }

    @Override
    public String toString() {
        return "LogprobsChatRequestParameters{" + super.toString() + ", logprobs=" + logprobs + ", topLogprobs="
                + topLogprobs + ", seed=" + seed + "}";
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link LogprobsChatRequestParameters}; not thread-safe. Every value defaults to unset ({@code null}). */
    public static class Builder extends DefaultChatRequestParameters.Builder<Builder> {
        private Boolean logprobs;
        private Integer topLogprobs;
        private Long seed;

        @Override
        public Builder overrideWith(ChatRequestParameters parameters) {
            super.overrideWith(parameters);
            if (parameters instanceof LogprobsChatRequestParameters p) {
                logprobs = pick(p.logprobs, logprobs);
                topLogprobs = pick(p.topLogprobs, topLogprobs);
                seed = pick(p.seed, seed);
            } else if (parameters != null) {
                // langchain4j-open-ai's OpenAiChatRequestParameters carries the same options: read them
                // by name, so requests written for LangChain4j's OpenAI model keep their logprobs here.
                logprobs = pick(read(parameters, "logprobs", Boolean.class), logprobs);
                topLogprobs = pick(read(parameters, "topLogprobs", Integer.class), topLogprobs);
                Number s = read(parameters, "seed", Number.class);
                seed = pick(s == null ? null : s.longValue(), seed);
            }
            return this;
        }

        private static <T> T read(ChatRequestParameters parameters, String name, Class<T> type) {
            try {
                Object value = parameters.getClass().getMethod(name).invoke(parameters);
                return type.isInstance(value) ? type.cast(value) : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null; // not a parameter this class has
            }
        }

        private static <T> T pick(T override, T base) {
            return override != null ? override : base;
        }

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
        public LogprobsChatRequestParameters build() {
            return new LogprobsChatRequestParameters(this);
        }
    }
}
