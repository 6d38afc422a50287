/**
 * Pure-Java CPU inference for GGUF models with exact logprobs.
 *
 * <p>Map of the package:
 * <ul>
 *   <li>{@link dev.logprobs4j.engine.Model} loads a GGUF file ({@link dev.logprobs4j.engine.LoadOptions})
 *       and exposes its {@link dev.logprobs4j.engine.ModelConfig}; architectures {@code llama},
 *       {@code qwen2}, {@code qwen3}.</li>
 *   <li>{@link dev.logprobs4j.engine.Session} holds one conversation's KV cache: batched
 *       {@code prefill}, {@code score}, {@code decode}, {@code rewind}. Exact or llama.cpp numerics for
 *       quantised weights: {@link dev.logprobs4j.engine.LoadOptions.Builder#exact}.</li>
 *   <li>{@link dev.logprobs4j.engine.DecodeBatch} decodes one token for each of several sessions in
 *       one pass over the weights, with the logits each would get alone.</li>
 *   <li>{@link dev.logprobs4j.engine.PrefillBatch} packs the prompts of several sessions into shared
 *       passes that keep every position's logits (scoring many short texts), again with the logits
 *       each would get alone.</li>
 *   <li>{@link dev.logprobs4j.engine.Generator} runs a {@link dev.logprobs4j.engine.GenerationRequest}
 *       to a {@link dev.logprobs4j.engine.GenerationResult} of {@link dev.logprobs4j.engine.GenerationStep}s,
 *       choosing tokens with a {@link dev.logprobs4j.engine.Sampler} configured by
 *       {@link dev.logprobs4j.engine.SamplingParams}.</li>
 *   <li>{@link dev.logprobs4j.engine.LogSoftmax} defines logprobs: the log-softmax of the raw logits,
 *       before temperature or truncation; {@link dev.logprobs4j.engine.LogprobStep} is the one step
 *       (a token's logprob and its top alternatives, in primitive arrays) that generation, batched
 *       decode and scoring ({@link dev.logprobs4j.engine.Session#score}) share.</li>
 * </ul>
 *
 * {@snippet :
 * try (Model model = Model.load(Path.of("stories260K.gguf"))) {
 *     Generator generator = new Generator(model.newSession(512));
 *     GenerationResult result = generator.generate(GenerationRequest.builder(new int[] {1, 403, 407, 261, 378})
 *             .maxTokens(32).topLogprobs(5).stopTokenIds(2).build());
 *     for (GenerationStep step : result.steps()) {
 *         System.out.println(step.tokenId() + " " + step.logprob() + " " + step.topLogprobs());
 *     }
 * }
 * }
 */
package dev.logprobs4j.engine;
