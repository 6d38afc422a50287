/**
 * Tokenizers for GGUF models, matching llama.cpp token for token.
 *
 * <ul>
 *   <li>{@link dev.logprobs4j.tokenizer.Tokenizer}: encode text to token ids, token ids to exact bytes
 *       and display text; built from a GGUF file or a {@link dev.logprobs4j.tokenizer.Vocabulary}.
 *   <li>{@link dev.logprobs4j.tokenizer.Vocabulary}: the {@code tokenizer.ggml.*} metadata as a record.
 *   <li>{@link dev.logprobs4j.tokenizer.TokenText}: the display convention for token bytes
 *       ({@code \xNN} for bytes outside complete UTF-8 sequences).
 * </ul>
 *
 * <p>The algorithms (SentencePiece merging, byte-level BPE, pre-tokenizers) live in
 * {@code dev.logprobs4j.tokenizer.internal}, which is not API.
 */
package dev.logprobs4j.tokenizer;
