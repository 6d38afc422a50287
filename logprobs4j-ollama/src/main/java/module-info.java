/** logprobs4j for Ollama. */
module dev.logprobs4j.ollama {
    requires transitive dev.logprobs4j.core;
    requires com.fasterxml.jackson.core;
    requires transitive dev.logprobs4j.http; // builders extend HttpModelBuilder
    requires transitive java.net.http; // the builder takes an HttpClient

    exports dev.logprobs4j.ollama;
}
