package dev.logprobs4j.tgi.internal;

import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TransportException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * JSON POSTs over {@link HttpClient}: maps I/O failures to {@link TransportException} and error
 * statuses to the provider's {@link ProviderException}. Immutable and thread-safe.
 */
public final class HttpTransport {

    /** Turns an error status and its body into the provider's exception. */
    @FunctionalInterface
    public interface ErrorMapper {
        ProviderException map(int status, String body);
    }

    /** The most bytes of an error body kept; error bodies are short, a proxy's HTML page may not be. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final HttpClient client;
    private final Duration timeout;
    private final ErrorMapper errors;

    public HttpTransport(HttpClient client, Duration timeout, ErrorMapper errors) {
        this.client = client;
        this.timeout = timeout;
        this.errors = errors;
    }

    /** POSTs {@code json} and returns the response body; throws on transport failure or error status. */
    public String post(URI uri, String json, Map<String, String> headers) {
        HttpResponse<InputStream> response = send(uri, json, headers);
        try (InputStream in = response.body()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (response.statusCode() / 100 != 2) {
                throw errors.map(response.statusCode(), body);
            }
            return body;
        } catch (IOException e) {
            throw new TransportException("reading the response of " + uri + " failed: " + e.getMessage(),
                    e instanceof HttpTimeoutException, e);
        }
    }

    /**
     * POSTs {@code json} and returns the open response body for streaming; the caller closes it,
     * which cancels the request. Throws on transport failure or error status (after reading the body).
     */
    public InputStream postForStream(URI uri, String json, Map<String, String> headers) {
        HttpResponse<InputStream> response = send(uri, json, headers);
        if (response.statusCode() / 100 != 2) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            throw errors.map(response.statusCode(), body);
        }
        return response.body();
    }

    private HttpResponse<InputStream> send(URI uri, String json, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new TransportException("no answer from " + uri + " within " + timeout + "; raise timeout(...) or check the server",
                    true, e);
        } catch (IOException e) {
            throw new TransportException("cannot reach " + uri + ": " + e, false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while calling " + uri, false, e);
        }
    }
}
