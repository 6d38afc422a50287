package dev.logprobs4j;

/**
 * Token counts of one call: immutable. Streamed chunks add their usage up (LangChain's
 * {@code add_usage}); providers usually send it once, in the last chunk.
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens) {

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, were prompt=" + promptTokens
                    + ", completion=" + completionTokens + ", total=" + totalTokens);
        }
    }

    /** The element-wise sum; {@code other} may be null. */
    public Usage plus(Usage other) {
        if (other == null) {
            return this;
        }
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                totalTokens + other.totalTokens);
    }
}
