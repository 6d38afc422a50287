/** An OpenAI-compatible HTTP server (Jetty) over a logprobs4j {@code ChatModel}. */
module dev.logprobs4j.server {
    requires transitive dev.logprobs4j.core;
    requires dev.logprobs4j.local;
    requires org.eclipse.jetty.server;
    requires com.fasterxml.jackson.databind;
    requires java.logging;

    exports dev.logprobs4j.server;
}
