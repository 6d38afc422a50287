package dev.logprobs4j.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A response body as a blocking {@link InputStream} that keeps up to {@value #DEPTH} buffer lists
 * asked for ahead of the reader, asking again in batches of {@value #BATCH}. The JDK's
 * {@code BodyHandlers.ofInputStream()} asks for one at a time, so the connection pauses and
 * re-registers with the client's selector (a wake-up of its thread) after every buffer; so did
 * asking for one more per buffer taken, whenever the reader was the slower side: on a stream of
 * small events each costs a tenth of a streamed token's CPU or more. At most {@value #DEPTH} lists
 * wait here; closing the stream cancels the exchange. One reader; the client's threads add.
 */
final class PrefetchingBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {

    /** The handler that answers with this body. */
    static final HttpResponse.BodyHandler<InputStream> HANDLER = info -> new PrefetchingBody();

    static final int DEPTH = 32;
    static final int BATCH = DEPTH / 2;
    private static final List<ByteBuffer> END = List.of();

    private final CompletableFuture<InputStream> body = CompletableFuture.completedFuture(this);
    private final LinkedBlockingQueue<List<ByteBuffer>> lists = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private volatile Throwable failure;
    private volatile boolean closed;
    private List<ByteBuffer> current = List.of();
    private int index;
    private ByteBuffer buffer;
    private boolean ended;
    private int taken; // lists taken since demand was last renewed
    private boolean started; // guarded by this

    @Override
    public CompletionStage<InputStream> getBody() {
        return body;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (closed) {
            s.cancel();
        } else if (started) {
            s.request(DEPTH);
        }
    }

    /**
     * Asks for the first lists when the reader first wants bytes, not before: a body that fails at
     * once then fails the read, as with the JDK's stream, instead of the exchange itself.
     */
    private synchronized void start() {
        started = true;
        if (subscription != null) {
            subscription.request(DEPTH);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        lists.add(item);
    }

    @Override
    public void onError(Throwable t) {
        failure = t;
        lists.add(END);
    }

    @Override
    public void onComplete() {
        lists.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    /**
     * Reads what has arrived, up to {@code len} bytes: it waits only when nothing has, and then fills
     * {@code b} from every buffer already here (the client slices a socket read into several), so a
     * reader with a large array makes few calls.
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!nextBuffer(true)) {
            return -1;
        }
        int n = 0;
        do {
            int k = Math.min(len - n, buffer.remaining());
            buffer.get(b, off + n, k);
            n += k;
        } while (n < len && nextBuffer(false));
        return n;
    }

    /**
     * Moves to a buffer with bytes left, false at the end. With {@code wait}, waits for the next list
     * when needed; without, takes only a list already here, and leaves the end and failures to the next
     * waiting call (so bytes already read are handed out first).
     */
    private boolean nextBuffer(boolean wait) throws IOException {
        while (buffer == null || !buffer.hasRemaining()) {
            if (index < current.size()) {
                buffer = current.get(index++);
                continue;
            }
            if (!wait && (closed || lists.peek() == null || lists.peek() == END)) {
                return false;
            }
            if (closed) {
                throw new IOException("the response body was closed");
            }
            if (ended) {
                return false;
            }
            if (!started) {
                start();
            }
            List<ByteBuffer> next;
            try {
                next = lists.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the response body", e);
            }
            if (next == END) {
                if (closed) {
                    throw new IOException("the response body was closed");
                }
                ended = true;
                if (failure != null) {
                    throw failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
                }
                return false;
            }
            current = next;
            index = 0;
            if (++taken == BATCH) {
                taken = 0;
                subscription.request(BATCH); // between DEPTH - BATCH and DEPTH lists stay asked for ahead of the reader
            }
        }
        return true;
    }

    @Override
    public int available() {
        return buffer == null ? 0 : buffer.remaining();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel(); // releases the connection
            }
            lists.add(END); // wakes a reader blocked in take()
        }
    }
}
