/**
 * Not API: the wire plumbing every provider module shares, exported by {@code module-info} only to
 * those modules. Users never see these types; they may change in any release.
 *
 * <ul>
 *   <li>{@link dev.logprobs4j.http.internal.Transport}: JSON POSTs over {@code java.net.http} with the
 *       OpenAI SDKs' retry rules ({@link dev.logprobs4j.http.internal.RetryPolicy}, waits through a
 *       {@link dev.logprobs4j.http.internal.Sleeper}), request and idle read timeouts
 *       ({@link dev.logprobs4j.http.internal.IdleTimeoutInputStream}) and the API key scrubbed from
 *       whatever a server echoes; error answers go through the provider's
 *       {@link dev.logprobs4j.http.internal.Transport.ErrorMapper}.</li>
 *   <li>{@link dev.logprobs4j.http.internal.QueuedChunkSource}: a stream's chunks, one line or event at a
 *       time, releasing the connection at the end or on failure.</li>
 *   <li>{@link dev.logprobs4j.http.internal.SseReader}: server-sent events by the WHATWG rules, with
 *       byte offsets in errors. {@link dev.logprobs4j.http.internal.LineReader}: newline-delimited
 *       JSON lines as raw bytes.</li>
 *   <li>{@link dev.logprobs4j.http.internal.JsonSupport}: Jackson streaming helpers (typed reads that
 *       fail with a {@link dev.logprobs4j.MalformedResponseException} naming the JSON path, provider
 *       error bodies as {@link dev.logprobs4j.ProviderException}, request values, token bytes as
 *       UTF-8) and {@link dev.logprobs4j.http.internal.JsonPath}, the path a hand-written parser keeps.</li>
 * </ul>
 */
package dev.logprobs4j.http.internal;
