package dev.logprobs4j.engine;

import java.util.List;
import java.util.Objects;

/**
 * Outcome of {@link Generator#generate}. Immutable.
 *
 * @param promptSteps for prompt tokens 1..n-1 (the first has no context), their logprobs; empty unless requested
 * @param steps the generated tokens in order, without the stop token
 * @param finishReason why generation ended
 */
public record GenerationResult(List<GenerationStep> promptSteps, List<GenerationStep> steps, FinishReason finishReason) {
    public GenerationResult {
        promptSteps = List.copyOf(Objects.requireNonNull(promptSteps, "promptSteps"));
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** The generated token ids. */
    public int[] tokenIds() {
        return steps.stream().mapToInt(GenerationStep::tokenId).toArray();
    }
}
