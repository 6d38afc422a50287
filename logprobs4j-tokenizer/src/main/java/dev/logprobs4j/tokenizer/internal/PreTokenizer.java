package dev.logprobs4j.tokenizer.internal;

/**
 * Splitter of text into the chunks byte-level BPE merges within (llama.cpp's
 * {@code unicode_regex_split}). Implementations are immutable and thread-safe.
 */
public interface PreTokenizer {

    /**
     * Splits {@code text[from, to)} into consecutive chunks that together cover it, text no
     * pattern matched included, and appends the end index (exclusive, in chars) of each chunk.
     */
    void split(String text, int from, int to, IntList chunkEnds);
}
