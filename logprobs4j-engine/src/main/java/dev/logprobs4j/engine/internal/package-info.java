/**
 * Model code behind {@code dev.logprobs4j.engine}: {@link dev.logprobs4j.engine.internal.ModelLoader}
 * reads hyperparameters and weights from GGUF, {@link dev.logprobs4j.engine.internal.Forward}
 * is the one forward pass, over {@link dev.logprobs4j.engine.internal.Rows} of (token, position,
 * sequence), each sequence with its own {@link dev.logprobs4j.engine.internal.KvCache}. Not API: may change without notice.
 */
package dev.logprobs4j.engine.internal;
