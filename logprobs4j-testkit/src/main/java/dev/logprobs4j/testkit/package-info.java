/**
 * Test support every provider module shares: {@link dev.logprobs4j.testkit.ReplayServer} (serves
 * recorded fixtures byte for byte, records requests, scripts statuses, streaming and cut
 * connections), {@link dev.logprobs4j.testkit.Reply} (one scripted answer),
 * {@link dev.logprobs4j.testkit.RecordedRequest} (one received request),
 * {@link dev.logprobs4j.testkit.Fixtures} (classpath bytes) and
 * {@link dev.logprobs4j.testkit.ProviderContractTest} (the checks every provider passes: same
 * logprobs shape, same streaming add behaviour, same errors).
 *
 * <p>Streaming shape, decided here for every provider: the first streamed chunk carries empty
 * logprobs ({@code []}, {@code Logprobs.EMPTY}) and no text. OpenAI's wire stream has such a chunk
 * (the role delta); providers whose wire stream has none (Ollama, Gemini) emit it themselves before
 * the first wire event, so {@code full == null ? chunk : full.add(chunk)} shows the same sizes
 * (0, 1, 2, ...) whatever the provider.
 */
package dev.logprobs4j.testkit;
