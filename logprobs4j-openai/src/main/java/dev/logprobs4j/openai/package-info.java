/**
 * OpenAI Chat Completions for logprobs4j: {@link dev.logprobs4j.openai.OpenAiChatModel}, which talks to
 * OpenAI, Azure OpenAI and OpenAI-compatible servers and returns typed logprobs. The wire format
 * (request writing, response and SSE parsing, retries) lives in {@code dev.logprobs4j.openai.internal}.
 */
package dev.logprobs4j.openai;
