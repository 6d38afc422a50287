/**
 * Not API. The OpenAI wire: {@code RequestWriter} (request bodies), {@code CompletionReader} (streaming
 * JSON parsing into the core records), {@code SseReader} (server-sent events), {@code Transport}
 * (HTTP with the SDKs' retry rules), {@code OpenAiChunkSource} (a stream's chunks).
 */
package dev.logprobs4j.openai.internal;
