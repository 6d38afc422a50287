/** logprobs4j's client API. Depends only on the JDK. */
module dev.logprobs4j.core {
    exports dev.logprobs4j;
}
