/**
 * HTTP plumbing shared by logprobs4j's provider modules. Not API: its one package is exported only
 * to the provider modules, and may change in any release.
 */
// The provider modules are built after this one, so the qualified exports name modules javac cannot see yet.
@SuppressWarnings("module")
module dev.logprobs4j.http {
    requires transitive dev.logprobs4j.core;
    requires transitive com.fasterxml.jackson.core;
    requires transitive java.net.http;

    exports dev.logprobs4j.http.internal to
            dev.logprobs4j.openai,
            dev.logprobs4j.ollama,
            dev.logprobs4j.gemini,
            dev.logprobs4j.llamacpp,
            dev.logprobs4j.tgi,
            dev.logprobs4j.anthropic;
}
