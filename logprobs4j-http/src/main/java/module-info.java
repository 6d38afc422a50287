/**
 * The skeleton of logprobs4j's HTTP provider modules. {@code dev.logprobs4j.http} is API: the
 * {@link dev.logprobs4j.http.HttpSettings} every provider model takes and the
 * {@link dev.logprobs4j.http.HttpModelBuilder} its builder extends. {@code dev.logprobs4j.http.internal}
 * (transport, SSE and NDJSON readers, JSON helpers) is exported only to the provider modules and may
 * change in any release.
 */
// The provider modules are built after this one, so the qualified exports name modules javac cannot see yet.
@SuppressWarnings("module")
module dev.logprobs4j.http {
    requires transitive dev.logprobs4j.core;
    requires transitive com.fasterxml.jackson.core;
    requires transitive java.net.http;

    exports dev.logprobs4j.http;
    exports dev.logprobs4j.http.internal to
            dev.logprobs4j.openai,
            dev.logprobs4j.ollama,
            dev.logprobs4j.gemini,
            dev.logprobs4j.llamacpp,
            dev.logprobs4j.tgi,
            dev.logprobs4j.anthropic;
}
