package dev.logprobs4j.springai;

import dev.logprobs4j.Logprobs;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.model.Generation;

/**
 * The metadata of a {@link Generation} answered through {@link LogprobsChatModel}: the finish
 * reason, and under the key {@code "logprobs"} the tokens in OpenAI's shape (a map
 * {@code {"content": [{token, bytes, logprob, top_logprobs}, ...]}}, as Spring AI 1.x's OpenAI
 * model gave it), plus the same data typed ({@link #logprobs()}). Immutable.
 * {@snippet :
 * Generation generation = chatModel.call(prompt).getResult();
 * Map<String, Object> openAiShaped = generation.getMetadata().get("logprobs");
 * double perplexity = LogprobsGenerationMetadata.from(generation).logprobs().perplexity();
 * }
 */
public final class LogprobsGenerationMetadata implements ChatGenerationMetadata {

    /** The metadata key of the OpenAI-shaped logprobs. */
    public static final String LOGPROBS = "logprobs";

    private final ChatGenerationMetadata delegate;
    private final Logprobs logprobs;

    LogprobsGenerationMetadata(String finishReason, Logprobs logprobs, Map<String, Object> openAiShape) {
        ChatGenerationMetadata.Builder b = ChatGenerationMetadata.builder().finishReason(finishReason);
        if (openAiShape != null) {
            b.metadata(LOGPROBS, openAiShape);
        }
        this.delegate = b.build();
        this.logprobs = logprobs;
    }

    /**
     * The metadata of a generation answered through logprobs4j.
     *
     * @throws IllegalArgumentException when the generation came from another model
     */
    public static LogprobsGenerationMetadata from(Generation generation) {
        if (generation.getMetadata() instanceof LogprobsGenerationMetadata m) {
            return m;
        }
        throw new IllegalArgumentException("this generation was not answered through logprobs4j (its metadata is "
                + generation.getMetadata().getClass().getSimpleName() + ")");
    }

    /** The tokens' logprobs, typed, or {@code null} when they were not requested. */
    public Logprobs logprobs() {
        return logprobs;
    }

    @Override
    public String getFinishReason() {
        return delegate.getFinishReason();
    }

    @Override
    public Set<String> getContentFilters() {
        return delegate.getContentFilters();
    }

    @Override
    public <T> T get(String key) {
        return delegate.get(key);
    }

    @Override
    public boolean containsKey(String key) {
        return delegate.containsKey(key);
    }

    @Override
    public <T> T getOrDefault(String key, T defaultObject) {
        return delegate.getOrDefault(key, defaultObject);
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
        return delegate.entrySet();
    }

    @Override
    public Set<String> keySet() {
        return delegate.keySet();
    }

    @Override
    public boolean isEmpty() {
        return delegate.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogprobsGenerationMetadata m && delegate.equals(m.delegate) && Objects.equals(logprobs, m.logprobs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(delegate, logprobs);
    }

    @Override
    public String toString() {
        return "LogprobsGenerationMetadata{finishReason=" + getFinishReason() + ", logprobs="
                + (logprobs == null ? null : logprobs.size() + " tokens") + "}";
    }
}
