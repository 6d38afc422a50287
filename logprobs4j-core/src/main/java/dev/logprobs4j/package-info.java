/**
 * logprobs4j's client API: token log probabilities from chat models, the same for every provider.
 *
 * <ul>
 *   <li>{@link dev.logprobs4j.ChatModel}: {@code bind}, {@code invoke}, {@code stream} and their async forms;
 *       {@link dev.logprobs4j.AbstractChatModel} is the base of every provider.</li>
 *   <li>{@link dev.logprobs4j.ChatOptions}: logprobs, top_logprobs, sampling, stop, extra fields.</li>
 *   <li>{@link dev.logprobs4j.AIMessage} and {@link dev.logprobs4j.AIMessageChunk}: answers, with typed
 *       {@link dev.logprobs4j.Logprobs} ({@link dev.logprobs4j.TokenLogprob}, {@link dev.logprobs4j.TopLogprob})
 *       and LangChain's {@code response_metadata} view.</li>
 *   <li>{@link dev.logprobs4j.Capabilities}: what a model can return.</li>
 *   <li>{@link dev.logprobs4j.LabelScorer} and {@link dev.logprobs4j.LabelScores}: how likely given labels are as
 *       the continuation of a prompt, exactly or as lower bounds.</li>
 *   <li>{@link dev.logprobs4j.JsonConfidence}: the confidence of every key and value of a JSON answer, by byte.</li>
 *   <li>Errors: {@link dev.logprobs4j.LogprobsException} and its subtypes.</li>
 * </ul>
 */
package dev.logprobs4j;
