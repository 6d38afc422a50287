/**
 * Ollama's native API with token logprobs: {@link dev.logprobs4j.ollama.OllamaChatModel} (chat or
 * generate endpoint, blocking, async and NDJSON streaming). Wire parsing lives in
 * {@code dev.logprobs4j.ollama.internal}, which is not exported.
 */
package dev.logprobs4j.ollama;
