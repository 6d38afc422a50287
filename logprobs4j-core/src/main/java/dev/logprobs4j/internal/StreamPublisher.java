package dev.logprobs4j.internal;

import dev.logprobs4j.AIMessageChunk;
import dev.logprobs4j.ChatStream;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A cold {@link Flow.Publisher} over {@link ChatStream}s: each subscriber opens its own stream on
 * the executor, receives chunks as it requests them, and closes the stream by cancelling. Exactly
 * one of {@code onComplete}/{@code onError} ends every subscription that was not cancelled.
 */
public final class StreamPublisher implements Flow.Publisher<AIMessageChunk> {

    private final Supplier<ChatStream> open;
    private final Executor executor;

    public StreamPublisher(Supplier<ChatStream> open, Executor executor) {
        this.open = open;
        this.executor = executor;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super AIMessageChunk> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Subscription s = new Subscription(subscriber);
        subscriber.onSubscribe(s);
        executor.execute(s::run);
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super AIMessageChunk> subscriber;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private long demand; // guarded by this
        private volatile ChatStream stream;

        Subscription(Flow.Subscriber<? super AIMessageChunk> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request(n) needs n > 0 (rule 3.9), was " + n));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            notifyAll();
        }

        @Override
        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                ChatStream s = stream;
                if (s != null) {
                    s.close();
                }
                synchronized (this) {
                    notifyAll();
                }
            }
        }

        void run() {
            try {
                if (!awaitDemand()) {
                    return;
                }
                ChatStream s = open.get();
                stream = s;
                if (cancelled.get()) {
                    s.close();
                    return;
                }
                try (s) {
                    Iterator<AIMessageChunk> it = s.iterator();
                    while (it.hasNext()) {
                        AIMessageChunk chunk = it.next();
                        if (!awaitDemand()) {
                            return;
                        }
                        synchronized (this) {
                            demand--;
                        }
                        subscriber.onNext(chunk);
                    }
                }
                if (!cancelled.get()) {
                    subscriber.onComplete();
                }
            } catch (RuntimeException e) {
                if (!cancelled.get()) {
                    subscriber.onError(e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (!cancelled.get()) {
                    subscriber.onError(e);
                }
            }
        }

        private synchronized boolean awaitDemand() throws InterruptedException {
            while (demand == 0 && !cancelled.get()) {
                wait();
            }
            return !cancelled.get();
        }
    }
}
