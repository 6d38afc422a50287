/** GGUF model files: header, metadata and tensors, memory-mapped. */
module dev.logprobs4j.gguf {
    exports dev.logprobs4j.gguf;
}
