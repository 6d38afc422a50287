/**
 * Constrained decoding: a {@link dev.logprobs4j.ResponseFormat} compiled against a vocabulary.
 * {@code SchemaCompiler} turns the JSON Schema subset into {@code Node}s (fail-closed: unknown
 * keywords are errors), {@code ByteMatcher} runs them as a deterministic byte-level pushdown
 * automaton with hash-consed, memoised configurations, {@link dev.logprobs4j.local.constraint.TokenTrie}
 * holds the vocabulary's token bytes, {@link dev.logprobs4j.local.constraint.TokenGrammar} walks the
 * trie into per-configuration {@link dev.logprobs4j.local.constraint.TokenMask}s (cached), and a
 * {@link dev.logprobs4j.local.constraint.Constraint} is one generation's position. The sampler meets
 * all this in one place: {@link dev.logprobs4j.local.constraint.TokenMask#apply}, called after the raw
 * logprobs are taken and before sampling. Used by {@code LocalGeneration}; not an API for users.
 */
package dev.logprobs4j.local.constraint;
