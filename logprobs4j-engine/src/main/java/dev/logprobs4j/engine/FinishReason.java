package dev.logprobs4j.engine;

/** Why generation ended. */
public enum FinishReason {
    /** A stop token was sampled, or the step listener asked to stop (e.g. a stop string matched). */
    STOP,
    /** {@code maxTokens} were generated or the session's context is full. */
    LENGTH
}
