/**
 * What every HTTP provider module shares as API: {@link dev.logprobs4j.http.HttpSettings}, the
 * immutable value of how a model reaches its server (base URL, API key, headers, timeouts, retries,
 * client, executor), and {@link dev.logprobs4j.http.HttpModelBuilder}, the settings every provider's
 * builder takes. Provider models are assembled from these and the module's internal transport;
 * none of them extends a non-exported type.
 */
package dev.logprobs4j.http;
