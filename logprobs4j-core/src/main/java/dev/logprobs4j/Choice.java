package dev.logprobs4j;

/**
 * One of the answers of a call ({@code n} answers when {@code n > 1}): immutable.
 *
 * @param index        the choice's index, 0 for the first
 * @param content      the generated text ("" when none)
 * @param refusal      the refusal text, or {@code null} when the model did not refuse
 * @param logprobs     the logprobs, or {@code null} when they were not requested
 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...), or {@code null} while streaming
 */
public record Choice(int index, String content, String refusal, Logprobs logprobs, String finishReason) {

    public Choice {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        content = content == null ? "" : content;
    }
}
