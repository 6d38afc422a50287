package dev.logprobs4j.http.internal;

import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TransportException;
import dev.logprobs4j.http.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sends requests with the OpenAI SDKs' retry rules ({@link RetryPolicy}) and hands back the open
 * body of a successful answer. Error answers go through the provider's {@link ErrorMapper};
 * connection failures and timeouts become {@link TransportException}s. Retries happen only before
 * any body is handed out, so a stream is never retried once it has yielded a chunk. The API key
 * ({@link Builder#secret(String)}) is scrubbed from error bodies and messages, and query strings
 * (where some providers put keys) are left out of messages. Immutable and thread-safe.
 */
public final class Transport {

    /** Turns a non-2xx answer that is not (or no longer) retried into the exception to throw. */
    @FunctionalInterface
    public interface ErrorMapper {
        /**
         * @param status  the HTTP status
         * @param body    the error body as text (at most {@link #MAX_ERROR_BODY} bytes, the secret scrubbed)
         * @param retries how many retries were made before this answer
         */
        LogprobsException map(int status, String body, int retries);
    }

    /**
     * The open body of a 2xx answer: the caller reads and closes it (closing cancels the exchange).
     *
     * @param uri         where the request went
     * @param status      the 2xx status
     * @param contentType the {@code Content-Type} header, or {@code ""}
     * @param body        the body, closed by itself after {@link Builder#readTimeout(Duration)} of silence
     */
    public record Opened(URI uri, int status, String contentType, IdleTimeoutInputStream body) {
    }

    /** Error bodies longer than this are cut: they are for people to read. */
    public static final int MAX_ERROR_BODY = 1 << 20;
    /** A whole (non-streamed) response larger than this is refused instead of buffered. */
    public static final int MAX_BODY = 64 << 20;

    private final HttpClient client;
    private final ErrorMapper errors;
    private final Map<String, String> headers;
    private final String secret;
    private final Duration timeout;
    private final Duration readTimeout;
    private final int maxRetries;
    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;

    private Transport(Builder b) {
        HttpSettings s = b.settings;
        HttpClient c = s.httpClient();
        if (c == null) {
            HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(s.connectTimeout());
            if (s.executor() != null) {
                hb.executor(s.executor());
            }
            c = hb.build();
        }
        this.client = c;
        this.errors = b.errors;
        this.headers = Map.copyOf(b.headers);
        this.secret = s.apiKey();
        this.timeout = s.timeout();
        this.readTimeout = s.readTimeout();
        this.maxRetries = s.maxRetries();
        this.retryPolicy = b.retryPolicy;
        this.sleeper = b.sleeper;
    }

    /**
     * A builder for a transport with these settings, whose error answers {@code errors} maps: their
     * client (or a new one connecting within their connect timeout, on their executor), timeouts,
     * retries and headers, and their API key scrubbed from what servers echo.
     */
    public static Builder builder(HttpSettings settings, ErrorMapper errors) {
        return new Builder(settings, errors);
    }

    /**
     * POSTs {@code json} to {@code uri} with the transport's headers, retrying as the SDKs do, and
     * returns the open body of the 2xx answer. Plain {@code http} goes out as HTTP/1.1.
     *
     * @param stream whether an event stream is asked for ({@code Accept: text/event-stream})
     * @throws LogprobsException  from the {@link ErrorMapper} for an error answer
     * @throws TransportException when the server cannot be reached or does not answer in time
     */
    public Opened post(URI uri, byte[] json, boolean stream) {
        return post(uri, json, stream ? "text/event-stream" : "application/json");
    }

    /** {@link #post(URI, byte[], boolean)} asking for {@code accept}, e.g. {@code application/x-ndjson}. */
    public Opened post(URI uri, byte[] json, String accept) {
        return send(request(uri, json, accept).build());
    }

    /**
     * A JSON POST to {@code uri} with the transport's timeout and headers, for a provider that adds
     * a header of its own per request before {@link #send(HttpRequest)}. Plain {@code http} goes out
     * as HTTP/1.1.
     */
    public HttpRequest.Builder request(URI uri, byte[] json, String accept) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", accept)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        headers.forEach(rb::header);
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            // Plain-text local servers (llama.cpp, vLLM, LM Studio, Ollama) speak HTTP/1.1; an h2c upgrade attempt only risks confusing them.
            rb.version(HttpClient.Version.HTTP_1_1);
        }
        return rb;
    }

    /**
     * Sends a request the provider built itself (its own headers, URL and timeout), retrying as
     * the SDKs do, and returns the open body of the 2xx answer.
     *
     * @throws LogprobsException  from the {@link ErrorMapper} for an error answer
     * @throws TransportException when the server cannot be reached or does not answer in time
     */
    public Opened send(HttpRequest request) {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, PrefetchingBody.HANDLER);
            } catch (IOException e) {
                if (attempt < maxRetries) {
                    pause(request, retryPolicy.delay(attempt, null));
                    continue;
                }
                throw failure(request, e, attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(what(request) + ": interrupted while waiting for the answer", false, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                String contentType = response.headers().firstValue("content-type").orElse("");
                String encoding = response.headers().firstValue("content-encoding").orElse("identity").strip();
                if (!encoding.isEmpty() && !encoding.equalsIgnoreCase("identity")) {
                    // We send no Accept-Encoding, so a compressed body is a broken proxy or server: say so,
                    // instead of failing later on bytes that look like garbage.
                    closeQuietly(response.body());
                    throw new dev.logprobs4j.MalformedResponseException("the server sent a body with Content-Encoding: " + encoding
                            + ", which was not asked for (the request accepts only uncompressed bodies); check the proxy or server"
                            + " between you and " + request.uri().getHost(), null, null);
                }
                return new Opened(request.uri(), status, contentType, new IdleTimeoutInputStream(response.body(), readTimeout));
            }
            String body = readErrorBody(response.body());
            if (attempt < maxRetries && RetryPolicy.shouldRetry(status, response.headers())) {
                pause(request, retryPolicy.delay(attempt, response.headers()));
                continue;
            }
            throw errors.map(status, body, attempt);
        }
    }

    private TransportException failure(HttpRequest request, IOException e, int retries) {
        boolean isTimeout = e instanceof HttpTimeoutException;
        String why;
        if (e instanceof HttpConnectTimeoutException) {
            why = "could not connect within the connect timeout";
        } else if (isTimeout) {
            why = "no answer within " + request.timeout().map(d -> d.toMillis() + " ms").orElse("the timeout") + " (timeout)";
        } else if (e instanceof ConnectException) {
            // Same lead as other I/O failures below, so every failure to reach the server reads alike; then the likely cause.
            why = "the connection failed: could not connect (" + message(e) + "); is the server running?";
        } else {
            why = "the connection failed: " + message(e);
        }
        return new TransportException(what(request) + ": " + why + afterRetries(retries), isTimeout, e);
    }

    private String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : scrub(e.getMessage());
    }

    /** {@code " (after 2 retries)"}, or {@code ""} without retries: for messages of exhausted calls. */
    public static String afterRetries(int retries) {
        return retries == 0 ? "" : " (after " + retries + (retries == 1 ? " retry)" : " retries)");
    }

    /** The method and the URI without its query, which may hold a key. */
    private static String what(HttpRequest request) {
        return what(request.method(), request.uri());
    }

    private static String what(String method, URI u) {
        return method + " " + u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    private void pause(HttpRequest request, Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(what(request) + ": interrupted while waiting to retry", false, e);
        }
    }

    private String readErrorBody(InputStream in) {
        try (IdleTimeoutInputStream body = new IdleTimeoutInputStream(in, readTimeout)) {
            return scrub(new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    /** Reads a whole 2xx body, refusing more than {@link #MAX_BODY} bytes; stalls and breaks become exceptions. */
    public byte[] readAllBytes(Opened opened) {
        try (IdleTimeoutInputStream body = opened.body()) {
            byte[] bytes = body.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new MalformedResponseException("the response body is larger than " + MAX_BODY + " bytes", "byte " + MAX_BODY, null);
            }
            return bytes;
        } catch (IOException e) {
            String at = what("POST", opened.uri());
            if (opened.body().timedOut()) {
                throw new TransportException(at + ": the response body stalled for more than "
                        + readTimeout.toMillis() + " ms (readTimeout)", true, e);
            }
            throw new TransportException(at + ": the connection broke while reading the response: " + message(e), false, e);
        }
    }

    /** {@link #readAllBytes(Opened)} as UTF-8 text. */
    public String readAll(Opened opened) {
        return new String(readAllBytes(opened), StandardCharsets.UTF_8);
    }

    /** {@code text} with every occurrence of the API key replaced, in case a server echoes it. */
    public String scrub(String text) {
        return secret == null || secret.length() < 4 || text == null ? text : text.replace(secret, "***");
    }

    /** The same provider error with the API key scrubbed from what the provider said. */
    public ProviderException scrub(ProviderException e) {
        return new ProviderException(e.status(), e.type(), e.code(), e.param(), scrub(e.providerMessage()), scrub(e.body()));
    }

    /** The idle read timeout of bodies, or null for none. */
    public Duration readTimeout() {
        return readTimeout;
    }

    /** Adds what a provider sends besides its {@link HttpSettings} to a {@link Transport}; not thread-safe. */
    public static final class Builder {
        private final HttpSettings settings;
        private final ErrorMapper errors;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private RetryPolicy retryPolicy = RetryPolicy.standard();
        private Sleeper sleeper = Sleeper.THREAD;

        private Builder(HttpSettings settings, ErrorMapper errors) {
            this.settings = Objects.requireNonNull(settings, "settings");
            this.errors = Objects.requireNonNull(errors, "errors");
            headers.putAll(settings.headers());
        }

        /** A header sent with every request unless the settings have one of that name (the user's headers win). */
        public Builder defaultHeader(String name, String value) {
            headers.putIfAbsent(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** When and how long to wait before retrying. Default: {@link RetryPolicy#standard()}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** How to wait between retries. Default: {@link Sleeper#THREAD}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The transport. */
        public Transport build() {
            return new Transport(this);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the body is dropped either way
        }
    }
}
