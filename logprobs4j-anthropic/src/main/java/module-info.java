/** Anthropic's Messages API: chat without logprobs, refusing logprobs before any call. */
module dev.logprobs4j.anthropic {
    requires transitive dev.logprobs4j.core;
    requires com.fasterxml.jackson.core;
    requires transitive dev.logprobs4j.http; // builders extend HttpModelBuilder
    requires transitive java.net.http;

    exports dev.logprobs4j.anthropic;
}
