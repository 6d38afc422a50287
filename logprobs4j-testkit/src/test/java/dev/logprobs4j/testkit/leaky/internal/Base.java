package dev.logprobs4j.testkit.leaky.internal;

/** A stand-in for a provider module's internal base class. */
public class Base {
    /** A public method that subclasses in an exported package would inherit. */
    public Base setting(String value) {
        return this;
    }
}
