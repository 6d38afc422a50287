/**
 * logprobs4j's {@code ChatModel} over the in-process engine, with the model's own chat template.
 * Jinjava and Guava are automatic modules; {@code java.desktop} is read for {@code java.beans},
 * through which templates call methods.
 */
module dev.logprobs4j.local {
    requires transitive dev.logprobs4j.core;
    requires transitive dev.logprobs4j.engine;
    requires jinjava;
    requires com.google.common;
    requires java.desktop;

    exports dev.logprobs4j.local;
    exports dev.logprobs4j.local.template;
}
