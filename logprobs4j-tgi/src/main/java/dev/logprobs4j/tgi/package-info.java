/**
 * {@link dev.logprobs4j.tgi.TgiChatModel}: a {@link dev.logprobs4j.ChatModel} over Text Generation
 * Inference's native {@code POST /generate} and {@code /generate_stream}. For TGI's OpenAI-compatible
 * Messages API ({@code /v1/chat/completions}) use logprobs4j-openai's {@code OpenAiChatModel} with
 * TGI's address as its base URL. Wire parsing lives in {@code dev.logprobs4j.tgi.internal}, not exported.
 */
package dev.logprobs4j.tgi;
