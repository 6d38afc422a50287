/**
 * Implementation of the tokenizers; not API, may change without notice.
 *
 * <ul>
 *   <li>{@code SpmEncoder}: SentencePiece score-ordered merging with byte fallback.
 *   <li>{@code BpeEncoder}: byte-level BPE with an id-pair merge-rank table.
 *   <li>{@code PreTokenizers}: {@code tokenizer.ggml.pre} names to splitters ({@code Llama3Splitter},
 *       {@code Gpt2Splitter}, {@code RegexSplitter}, {@code ChainSplitter}) and their flags.
 *   <li>{@code ByteLevel}, {@code CharClass}: GPT-2's byte alphabet and the regex character classes.
 * </ul>
 */
package dev.logprobs4j.tokenizer.internal;
