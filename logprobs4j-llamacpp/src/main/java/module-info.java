/** llama.cpp server's native {@code /completion} endpoint with token logprobs. */
module dev.logprobs4j.llamacpp {
    requires transitive dev.logprobs4j.core;
    requires com.fasterxml.jackson.core;
    requires transitive dev.logprobs4j.http; // builders extend HttpModelBuilder
    requires transitive java.net.http;

    exports dev.logprobs4j.llamacpp;
}
