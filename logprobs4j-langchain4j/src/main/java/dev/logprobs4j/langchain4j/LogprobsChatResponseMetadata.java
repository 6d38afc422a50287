package dev.logprobs4j.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.logprobs4j.Logprobs;
import java.util.List;
import java.util.Objects;

/**
 * The metadata of a {@link ChatResponse} answered through {@link LogprobsChatModel}: LangChain4j's
 * id, model name, token usage and finish reason, plus the answer's logprobs. Immutable.
 *
 * <p>{@link #logProbs()} has the shape of {@code OpenAiChatResponseMetadata.logProbs()} (a list of
 * {@link LogProb}); {@link #logprobs()} is the same data as logprobs4j's typed value, with its
 * helpers ({@code perplexity()}, {@code leastConfident(k)}, ...). {@link #from(ChatResponse)}
 * reads them without a cast:
 * {@snippet :
 * ChatResponse response = model.chat(request);
 * double perplexity = LogprobsChatResponseMetadata.from(response).logprobs().perplexity();
 * }
 */
public class LogprobsChatResponseMetadata extends ChatResponseMetadata {

    private final Logprobs logprobs;
    private final List<LogProb> logProbs;
    private final String systemFingerprint;

    protected LogprobsChatResponseMetadata(Builder builder) {
        super(builder);
        this.logprobs = builder.logprobs;
        this.logProbs = builder.logprobs == null ? null : LogProb.of(builder.logprobs.content());
        this.systemFingerprint = builder.systemFingerprint;
    }

    /**
     * The logprobs of a response answered through {@link LogprobsChatModel}.
     *
     * @throws IllegalArgumentException when the response came from another model
     */
    public static LogprobsChatResponseMetadata from(ChatResponse response) {
        if (response.metadata() instanceof LogprobsChatResponseMetadata m) {
            return m;
        }
        throw new IllegalArgumentException("this response was not answered through logprobs4j (its metadata is "
                + (response.metadata() == null ? "missing" : response.metadata().getClass().getSimpleName()) + ")");
    }

    /**
     * The answer's tokens in {@code OpenAiChatResponseMetadata.logProbs()}'s shape, or {@code null}
     * when logprobs were not requested.
     */
    public List<LogProb> logProbs() {
        return logProbs;
    }

    /** The answer's logprobs as logprobs4j's typed value, or {@code null} when they were not requested. */
    public Logprobs logprobs() {
        return logprobs;
    }

    /** OpenAI's {@code system_fingerprint}, or {@code null}. */
    public String systemFingerprint() {
        return systemFingerprint;
    }

    @Override
    public Builder toBuilder() {
        return ((Builder) super.toBuilder(builder())).logprobs(logprobs).systemFingerprint(systemFingerprint);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogprobsChatResponseMetadata m && super.equals(o) && Objects.equals(logprobs, m.logprobs)
                && Objects.equals(systemFingerprint, m.systemFingerprint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), logprobs, systemFingerprint);
    }

    @Override
    public String toString() {
        return "LogprobsChatResponseMetadata{id=" + id() + ", modelName=" + modelName() + ", tokenUsage=" + tokenUsage()
                + ", finishReason=" + finishReason() + ", systemFingerprint=" + systemFingerprint
                + ", logprobs=" + (logprobs == null ? null : logprobs.size() + " tokens") + "}";
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link LogprobsChatResponseMetadata}; not thread-safe. Every field defaults to {@code null}. */
    public static class Builder extends ChatResponseMetadata.Builder<Builder> {
        private Logprobs logprobs;
        private String systemFingerprint;

        /** The answer's logprobs; default {@code null} (not requested). */
        public Builder logprobs(Logprobs logprobs) {
            this.logprobs = logprobs;
            return this;
        }

        /** OpenAI's {@code system_fingerprint}; default {@code null}. */
        public Builder systemFingerprint(String systemFingerprint) {
            this.systemFingerprint = systemFingerprint;
            return this;
        }

        @Override
        public LogprobsChatResponseMetadata build() {
            return new LogprobsChatResponseMetadata(this);
        }
    }
}
