/**
 * logprobs4j models in LangChain4j: {@link dev.logprobs4j.langchain4j.LogprobsChatModel} is the
 * {@code ChatModel} and {@code StreamingChatModel}; {@link dev.logprobs4j.langchain4j.LogprobsChatRequestParameters}
 * asks for logprobs; {@link dev.logprobs4j.langchain4j.LogprobsChatResponseMetadata} and
 * {@link dev.logprobs4j.langchain4j.LogprobsPartialResponse} return them, as
 * {@link dev.logprobs4j.langchain4j.LogProb} lists (OpenAI's LangChain4j shape) and typed.
 */
package dev.logprobs4j.langchain4j;
