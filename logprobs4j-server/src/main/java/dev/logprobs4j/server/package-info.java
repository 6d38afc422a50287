/**
 * logprobs4j's OpenAI-compatible server: {@link dev.logprobs4j.server.LogprobsServer} serves one
 * {@link dev.logprobs4j.server.ServedModel} over HTTP with OpenAI's chat and legacy completions
 * APIs, logprobs included. {@link dev.logprobs4j.server.PromptLogprobs} is what {@code echo}
 * returns, {@link dev.logprobs4j.server.ServerStats} the server's counters. Everything else is in
 * {@code dev.logprobs4j.server.internal}.
 */
package dev.logprobs4j.server;
