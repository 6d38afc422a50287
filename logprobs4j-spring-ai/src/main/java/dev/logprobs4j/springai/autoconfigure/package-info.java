/**
 * Spring Boot auto-configuration from the {@code logprobs4j.*} properties
 * ({@link dev.logprobs4j.springai.autoconfigure.Logprobs4jProperties}): the in-process engine
 * ({@link dev.logprobs4j.springai.autoconfigure.LocalEngineAutoConfiguration}) or an
 * OpenAI-compatible model, and the Spring AI chat model over it
 * ({@link dev.logprobs4j.springai.autoconfigure.Logprobs4jAutoConfiguration}).
 */
package dev.logprobs4j.springai.autoconfigure;
