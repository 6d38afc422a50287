/** The tokenizers of GGUF models (SentencePiece and byte-level BPE), read from the model file. */
module dev.logprobs4j.tokenizer {
    requires transitive dev.logprobs4j.gguf;

    exports dev.logprobs4j.tokenizer;
}
