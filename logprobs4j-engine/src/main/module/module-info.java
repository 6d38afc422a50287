/**
 * The in-process inference engine. Its kernels use the Vector API, an incubator module: on the
 * module path this descriptor brings it in; on the class path, {@code --add-modules
 * jdk.incubator.vector} must be given.
 */
module dev.logprobs4j.engine {
    requires transitive dev.logprobs4j.gguf;
    requires transitive dev.logprobs4j.tokenizer;
    requires jdk.incubator.vector;

    exports dev.logprobs4j.engine;
}
