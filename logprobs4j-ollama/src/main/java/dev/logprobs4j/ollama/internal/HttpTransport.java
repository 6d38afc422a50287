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
 * Sends requests with retries, with the same policy as the OpenAI module (OpenAI's SDKs): connection
 * refused, {@code 408}, {@code 409}, {@code 429} and {@code 5xx} are retried up to
 * {@code maxRetries} times, waiting what {@code retry-after-ms} or {@code Retry-After} (seconds or an
 * HTTP date) ask when that is within [0, 60] s, else {@code 0.5 s × 2^attempt} (at most 8 s) less up
 * to 25 % jitter. Other statuses go to the error mapper with the body as text. Immutable and
 * thread-safe.
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
                Duration asked = retryAfter(response.headers());
                sleep(asked != null ? asked : backoff(attempt));
                continue;
            }
            throw errors.apply(status, body);
        }
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    private static Duration backoff(int attempt) {
        long millis = Math.min(8000, 500L << Math.min(attempt, 4));
        double jitter = 1 - 0.25 * java.util.concurrent.ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis((long) (millis * jitter));
    }

    /** The wait the server asked for ({@code retry-after-ms}, then {@code Retry-After}), or null when none within [0, 60] s. */
    static Duration retryAfter(java.net.http.HttpHeaders headers) {
        double seconds = -1;
        java.util.Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                seconds = Double.parseDouble(ms.get().trim()) / 1000.0;
            } catch (NumberFormatException e) {
                seconds = -1;
            }
        }
        java.util.Optional<String> after = headers.firstValue("retry-after");
        if (seconds < 0 && after.isPresent()) {
            String value = after.get().trim();
            try {
                seconds = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                try {
                    java.time.ZonedDateTime when = java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                    seconds = Duration.between(java.time.Instant.now(), when.toInstant()).toMillis() / 1000.0;
                } catch (java.time.format.DateTimeParseException notADate) {
                    seconds = -1;
                }
            }
        }
        return seconds >= 0 && seconds <= 60 ? Duration.ofMillis((long) (seconds * 1000)) : null;
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
