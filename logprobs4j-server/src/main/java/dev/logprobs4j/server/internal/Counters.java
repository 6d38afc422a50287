package dev.logprobs4j.server.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The server's counters. Thread-safe. */
public final class Counters {
    public final LongAdder requests = new LongAdder();
    public final LongAdder started = new LongAdder();
    public final LongAdder completed = new LongAdder();
    public final LongAdder cancelled = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder completionTokens = new LongAdder();
    public final AtomicInteger active = new AtomicInteger();
}
