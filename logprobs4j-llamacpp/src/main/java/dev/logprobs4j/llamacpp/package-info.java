/**
 * {@link dev.logprobs4j.llamacpp.LlamaCppCompletionModel}: a {@link dev.logprobs4j.ChatModel} over
 * llama.cpp server's native {@code POST /completion} with {@code n_probs}. Wire parsing lives in
 * {@code dev.logprobs4j.llamacpp.internal}, which is not exported.
 */
package dev.logprobs4j.llamacpp;
