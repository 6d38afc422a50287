package dev.logprobs4j.ollama.internal;

import dev.logprobs4j.LogprobsException;
import dev.logprobs4j.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * Sends requests with retries: connection refused, {@code 429} and {@code 5xx} (but not {@code 501})
 * are retried up to {@code maxRetries} times, waiting {@code Retry-After} seconds when the server
 * gives them (at most 60) and {@code 0.5 s × 2^attempt} (at most 8 s) otherwise. Other statuses go
 * to the error mapper with the body as text. Immutable and thread-safe.
 */
public final class HttpTransport {

    /** The most error-body bytes read into an exception: error bodies are short, a runaway one is not kept. */
    static final int MAX_ERROR_BODY = 1 << 20;

    private final HttpClient client;
    private final int maxRetries;

    public HttpTransport(HttpClient client, int maxRetries) {
        this.client = client;
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        this.maxRetries = maxRetries;
    }

    /**
     * A 2xx response whose body the caller must read or close.
     *
     * @param errors maps (status, body text) of a non-2xx answer to the exception to throw
     */
    public HttpResponse<InputStream> send(HttpRequest request, BiFunction<Integer, String, LogprobsException> errors) {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                throw new TransportException("no answer from " + request.uri().getHost() + " within the timeout: " + e.getMessage(), true, e);
            } catch (ConnectException e) {
                if (attempt < maxRetries) {
                    sleep(backoff(attempt));
                    continue;
                }
                throw new TransportException("could not connect to " + request.uri().getScheme() + "://"
                        + request.uri().getAuthority() + " (" + e + "); is the server running?", false, e);
            } catch (IOException e) {
                throw new TransportException("request to " + request.uri().getAuthority() + " failed: " + e, false, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("interrupted while waiting for " + request.uri().getAuthority(), false, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return response;
            }
            String body = readError(response);
            if (retryable(status) && attempt < maxRetries) {
                sleep(response.headers().firstValue("retry-after").map(HttpTransport::retryAfter).orElse(backoff(attempt)));
                continue;
            }
            throw errors.apply(status, body);
        }
    }

    private static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    private static Duration backoff(int attempt) {
        return Duration.ofMillis(Math.min(8000, 500L << Math.min(attempt, 4)));
    }

    /** {@code Retry-After} in seconds (dates are not used by these providers); capped at a minute. */
    static Duration retryAfter(String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            return Duration.ofSeconds(Math.max(0, Math.min(60, seconds)));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while waiting to retry", false, e);
        }
    }

    private static String readError(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
