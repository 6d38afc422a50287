package dev.logprobs4j.http.internal;

import java.time.Duration;

/** Waits between retries; tests replace it to record the waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

    /** The real one: {@link Thread#sleep}. */
    Sleeper THREAD = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

    void sleep(Duration duration) throws InterruptedException;
}
