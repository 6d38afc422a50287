/**
 * OpenAI's APIs for logprobs4j, each a {@link dev.logprobs4j.ChatModel} with the same typed logprobs,
 * {@code responseMetadata()} and streaming behaviour:
 * <ul>
 *   <li>{@link dev.logprobs4j.openai.OpenAiChatModel}: Chat Completions, for OpenAI, Azure OpenAI and the
 *       OpenAI-compatible servers (vLLM, TGI, llama.cpp server, DeepSeek, ...);</li>
 *   <li>{@link dev.logprobs4j.openai.OpenAiResponsesModel}: the Responses API;</li>
 *   <li>{@link dev.logprobs4j.openai.OpenAiCompletionModel}: the legacy Completions API, with {@code echo};</li>
 *   <li>{@link dev.logprobs4j.openai.VllmPromptLogprobs}: vLLM's {@code prompt_logprobs}, typed.</li>
 * </ul>
 * A 400 refusing logprobs at run time (DeepSeek's reasoner) becomes an
 * {@link dev.logprobs4j.UnsupportedCapabilityException} carrying the provider's message. The wire
 * formats (request writing, response, event and SSE parsing, retries) live in
 * {@code dev.logprobs4j.openai.internal}.
 */
package dev.logprobs4j.openai;
