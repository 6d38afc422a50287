/**
 * Not API. The OpenAI wire: {@code RequestWriter} (request bodies), {@code CompletionReader} (streaming
 * JSON parsing into the core records), {@code OpenAiErrors} (error answers as exceptions),
 * {@code OpenAiChunkSource} (a stream's chunks). HTTP, retries and server-sent events come from
 * {@code dev.logprobs4j.http.internal}.
 */
package dev.logprobs4j.openai.internal;
