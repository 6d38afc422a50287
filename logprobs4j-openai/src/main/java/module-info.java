/** logprobs4j for OpenAI Chat Completions, Responses and Completions, and OpenAI-compatible servers. */
module dev.logprobs4j.openai {
    requires transitive dev.logprobs4j.core;
    requires com.fasterxml.jackson.core;
    requires transitive dev.logprobs4j.http; // builders extend HttpModelBuilder
    requires transitive java.net.http; // the builder takes an HttpClient

    exports dev.logprobs4j.openai;
}
