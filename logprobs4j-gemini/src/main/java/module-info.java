/** logprobs4j for Gemini (Google AI and Vertex AI). */
module dev.logprobs4j.gemini {
    requires transitive dev.logprobs4j.core;
    requires com.fasterxml.jackson.core;
    requires transitive dev.logprobs4j.http; // builders extend HttpModelBuilder
    requires transitive java.net.http; // the builder takes an HttpClient

    exports dev.logprobs4j.gemini;
}
