/**
 * {@link dev.logprobs4j.anthropic.AnthropicChatModel}: Anthropic's Messages API as a
 * {@link dev.logprobs4j.ChatModel} whose {@link dev.logprobs4j.Capabilities} say it has no logprobs.
 * Wire parsing lives in {@code dev.logprobs4j.anthropic.internal}, not exported.
 */
package dev.logprobs4j.anthropic;
