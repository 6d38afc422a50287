/**
 * logprobs4j models in Spring AI: {@link dev.logprobs4j.springai.LogprobsChatModel} is the
 * {@code ChatModel}; {@link dev.logprobs4j.springai.LogprobsChatOptions} asks for logprobs;
 * {@link dev.logprobs4j.springai.LogprobsGenerationMetadata} returns them, under {@code "logprobs"}
 * in OpenAI's shape and typed. The Boot auto-configuration is in {@code .autoconfigure}.
 */
package dev.logprobs4j.springai;
