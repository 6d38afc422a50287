/** Hugging Face Text Generation Inference's native {@code /generate} API with token logprobs. */
module dev.logprobs4j.tgi {
    requires transitive dev.logprobs4j.core;
    requires com.fasterxml.jackson.core;
    requires transitive dev.logprobs4j.http; // builders extend HttpModelBuilder
    requires transitive java.net.http;

    exports dev.logprobs4j.tgi;
}
