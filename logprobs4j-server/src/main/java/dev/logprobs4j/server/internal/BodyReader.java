package dev.logprobs4j.server.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a whole request body without holding a thread while bytes are missing: Jetty calls back
 * when more arrive. A body that is not complete within the body timeout, larger than the limit, or
 * malformed on the wire (bad chunked encoding) fails with the status it deserves. So a client that
 * promises 100 bytes and sends 10 costs a little memory until the timeout, never a thread (finding:
 * blocking reads parked one virtual thread per such client and exhausted Jetty's pool).
 * One instance per request; not thread-safe beyond Jetty's serialized callbacks.
 */
final class BodyReader implements Runnable {

    private final Request request;
    private final long maxBytes;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final AtomicBoolean done = new AtomicBoolean();
    private byte[] buf;
    private int length;
    private Scheduler.Task timeout;

    private BodyReader(Request request, long maxBytes) {
        this.request = request;
        this.maxBytes = maxBytes;
        long declared = request.getLength();
        this.buf = new byte[(int) Math.min(maxBytes + 1, declared >= 0 ? declared : 8192)];
    }

    /**
     * The body's bytes (exactly {@code length} of them: the array is trimmed), or an
     * {@link ApiException}: 413 when over {@code maxBytes}, 408 when not complete within
     * {@code timeoutMillis}, 400 when the transfer encoding is malformed; any other failure (the
     * client went away) as it came.
     */
    static CompletableFuture<byte[]> read(Request request, long maxBytes, long timeoutMillis) {
        long declared = request.getLength();
        BodyReader r = new BodyReader(request, maxBytes);
        if (declared > maxBytes) {
            r.fail(tooLarge(maxBytes, declared));
            return r.result;
        }
        Scheduler scheduler = request.getComponents().getScheduler();
        r.timeout = scheduler.schedule(() -> r.fail(new ApiException(408, "invalid_request_error", null, "request_timeout",
                "The request body did not arrive within " + timeoutMillis / 1000.0 + " s; the connection is closed.")),
                timeoutMillis, TimeUnit.MILLISECONDS);
        r.run();
        return r.result;
    }

    /** Reads what is there, then asks to be called again when more arrives. */
    @Override
    public void run() {
        while (!done.get()) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                fail(translate(chunk.getFailure()));
                return;
            }
            try {
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                if (length + (long) n > maxBytes) {
                    fail(tooLarge(maxBytes, -1));
                    return;
                }
                if (length + n > buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(maxBytes + 1, Math.max(length + (long) n, buf.length * 2L)));
                }
                bytes.get(buf, length, n);
                length += n;
            } finally {
                chunk.release();
            }
            if (chunk.isLast()) {
                if (done.compareAndSet(false, true)) {
                    cancelTimeout();
                    result.complete(length == buf.length ? buf : Arrays.copyOf(buf, length));
                }
                return;
            }
        }
    }

    private void fail(Throwable t) {
        if (done.compareAndSet(false, true)) {
            cancelTimeout();
            result.completeExceptionally(t);
        }
    }

    private void cancelTimeout() {
        Scheduler.Task t = timeout;
        if (t != null) {
            t.cancel();
        }
    }

    /** Jetty's own complaints about the wire (e.g. a chunk size of "zz") are the client's fault: 400, not 500. */
    private static Throwable translate(Throwable failure) {
        if (failure instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
            String reason = http.getReason();
            return new ApiException(http.getCode(), "invalid_request_error", null, "malformed_body",
                    "The request body is malformed on the wire" + (reason == null || reason.isBlank() ? "" : " (" + reason + ")")
                            + ": send a Content-Length body or valid chunked transfer encoding.");
        }
        if (failure instanceof TimeoutException) {
            return new ApiException(408, "invalid_request_error", null, "request_timeout",
                    "The request body stopped arriving; the connection is closed.");
        }
        return failure;
    }

    static ApiException tooLarge(long maxBytes, long declared) {
        return new ApiException(413, "invalid_request_error", null, "request_too_large",
                "The request body is larger than this server accepts (" + maxBytes + " bytes"
                        + (declared >= 0 ? "; it declared " + declared : "") + ").");
    }
}
