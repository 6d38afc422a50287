/**
 * Gemini through Google AI or Vertex AI with token logprobs:
 * {@link dev.logprobs4j.gemini.GeminiChatModel} (generateContent, blocking, async and SSE
 * streaming). Wire parsing lives in {@code dev.logprobs4j.gemini.internal}, which is not exported.
 */
package dev.logprobs4j.gemini;
