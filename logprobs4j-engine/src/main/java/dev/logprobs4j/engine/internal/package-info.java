/**
 * Model code behind {@code dev.logprobs4j.engine}: {@link dev.logprobs4j.engine.internal.ModelLoader}
 * reads hyperparameters and weights from GGUF, {@link dev.logprobs4j.engine.internal.Transformer}
 * runs the forward pass with its KV cache. Not API: may change without notice.
 */
package dev.logprobs4j.engine.internal;
