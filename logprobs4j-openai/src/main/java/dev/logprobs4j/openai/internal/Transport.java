package dev.logprobs4j.openai.internal;

import dev.logprobs4j.MalformedResponseException;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.TransportException;
import dev.logprobs4j.UnsupportedCapabilityException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one chat completions request with the SDKs' retry rules and hands back the open body of a
 * successful answer. Error answers become {@link ProviderException}s, connection failures
 * {@link TransportException}s. Retries happen only before any body is handed out, so a stream is
 * never retried once it has yielded a chunk. The API key lives only in the header list and is
 * scrubbed from anything the provider echoes. Immutable and thread-safe.
 */
public final class Transport {

    /** Error bodies longer than this are cut: they are for people to read. */
    private static final int MAX_ERROR_BODY = 1 << 20;
    /** A whole (non-streamed) response larger than this is refused instead of buffered. */
    static final int MAX_BODY = 64 << 20;

    private final HttpClient client;
    private final URI endpoint;
    private final List<Map.Entry<String, String>> headers;
    private final String secret;
    private final Duration timeout;
    private final Duration readTimeout;
    private final int maxRetries;
    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;
    private final String model;

    public Transport(HttpClient client, URI endpoint, List<Map.Entry<String, String>> headers, String secret,
                     Duration timeout, Duration readTimeout, int maxRetries, RetryPolicy retryPolicy, Sleeper sleeper,
                     String model) {
        this.model = model;
        this.client = client;
        this.endpoint = endpoint;
        this.headers = List.copyOf(headers);
        this.secret = secret;
        this.timeout = timeout;
        this.readTimeout = readTimeout;
        this.maxRetries = maxRetries;
        this.retryPolicy = retryPolicy;
        this.sleeper = sleeper;
    }

    /** The open body of a 2xx answer and its content type. */
    public record Opened(IdleTimeoutInputStream body, String contentType) {
    }

    /**
     * Posts {@code json}, retrying as the SDKs do, and returns the open body of the 2xx answer.
     *
     * @throws ProviderException  for an error answer that is not (or no longer) retried
     * @throws UnsupportedCapabilityException for a 400 answer refusing logprobs (see {@link #refusal})
     * @throws TransportException when the server cannot be reached or does not answer in time
     */
    public Opened post(byte[] json, boolean stream) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        for (Map.Entry<String, String> h : headers) {
            rb.header(h.getKey(), h.getValue());
        }
        if ("http".equalsIgnoreCase(endpoint.getScheme())) {
            // Plain-text local servers (llama.cpp, vLLM, LM Studio) speak HTTP/1.1; an h2c upgrade attempt only risks confusing them.
            rb.version(HttpClient.Version.HTTP_1_1);
        }
        HttpRequest request = rb.build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                if (attempt < maxRetries) {
                    pause(retryPolicy.delay(attempt, null));
                    continue;
                }
                boolean isTimeout = e instanceof HttpTimeoutException;
                String why;
                if (e instanceof HttpConnectTimeoutException) {
                    why = "could not connect within the connect timeout";
                } else if (isTimeout) {
                    why = "no answer within " + timeout.toMillis() + " ms (timeout)";
                } else {
                    why = "the connection failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : scrub(e.getMessage()));
                }
                throw new TransportException("POST " + endpoint + ": " + why + after(attempt), isTimeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException("POST " + endpoint + ": interrupted while waiting for the answer", false, e);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                String contentType = response.headers().firstValue("content-type").orElse("");
                return new Opened(new IdleTimeoutInputStream(response.body(), readTimeout), contentType);
            }
            String body = readErrorBody(response.body());
            if (attempt < maxRetries && RetryPolicy.shouldRetry(status, response.headers())) {
                pause(retryPolicy.delay(attempt, response.headers()));
                continue;
            }
            ProviderException error = providerError(status, response.headers(), body, attempt);
            UnsupportedCapabilityException refused = refusal(error, model);
            throw refused != null ? refused : error;
        }
    }

    /**
     * The provider's run-time refusal of logprobs as an {@link UnsupportedCapabilityException}, or
     * null when {@code e} is some other error. A refusal is a 400 whose message (or {@code param})
     * names {@code logprobs} or {@code top_logprobs} and says it is not supported, as DeepSeek's
     * reasoner answers ("deepseek-reasoner does not support the parameter `logprobs`"). Other 400s
     * about logprobs, such as OpenAI's "Invalid 'top_logprobs': integer above maximum value", stay
     * {@link ProviderException}s: the model has the capability, the value was wrong. The provider's
     * exception is the cause.
     */
    public static UnsupportedCapabilityException refusal(ProviderException e, String model) {
        if (e.status() != 400 || e.providerMessage() == null) {
            return null;
        }
        String text = e.providerMessage().toLowerCase(Locale.ROOT);
        String param = e.param() == null ? "" : e.param().toLowerCase(Locale.ROOT);
        boolean namesLogprobs = text.contains("logprobs") || param.contains("logprobs");
        boolean saysUnsupported = text.contains("not support") || text.contains("unsupported") || text.contains("not supported");
        if (!namesLogprobs || !saysUnsupported) {
            return null;
        }
        String capability = text.contains("top_logprobs") && !text.replace("top_logprobs", "").contains("logprobs")
                || param.equals("top_logprobs") ? "top_logprobs" : "logprobs";
        UnsupportedCapabilityException u = new UnsupportedCapabilityException(capability, model,
                model + " refused " + capability + " at run time (HTTP 400): " + e.providerMessage()
                        + "; remove logprobs(true)/topLogprobs(...) for this model, or give it capabilities without logprobs",
                e.providerMessage());
        u.initCause(e);
        return u;
    }

    private ProviderException providerError(int status, HttpHeaders headers, String body, int retries) {
        CompletionReader.ProviderError error = CompletionReader.readError(body);
        String suffix = after(retries);
        if (error != null) {
            String message = error.message() == null ? null : error.message() + suffix;
            return new ProviderException(status, error.type(), error.code(), error.param(), message, body);
        }
        String text = body.isBlank() ? "(empty body)" : body.strip();
        if (text.length() > 500) {
            text = text.substring(0, 500) + "...";
        }
        return new ProviderException(status, null, null, null, text + suffix, body);
    }

    private static String after(int retries) {
        return retries == 0 ? "" : " (after " + retries + (retries == 1 ? " retry)" : " retries)");
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("POST " + endpoint + ": interrupted while waiting to retry", false, e);
        }
    }

    private String readErrorBody(InputStream in) {
        try (IdleTimeoutInputStream body = new IdleTimeoutInputStream(in, readTimeout)) {
            byte[] bytes = body.readNBytes(MAX_ERROR_BODY);
            return scrub(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return "";
        }
    }

    /** Reads a whole 2xx body, refusing absurd sizes; timeouts and breaks become exceptions. */
    public String readAll(Opened opened) {
        try (IdleTimeoutInputStream body = opened.body()) {
            byte[] bytes = body.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new MalformedResponseException("the response body is larger than " + MAX_BODY + " bytes", "byte " + MAX_BODY, null);
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (opened.body().timedOut()) {
                throw new TransportException("POST " + endpoint + ": the response body stalled for more than "
                        + readTimeout.toMillis() + " ms (readTimeout)", true, e);
            }
            throw new TransportException("POST " + endpoint + ": the connection broke while reading the response: " + e.getMessage(), false, e);
        }
    }

    /** {@code text} with every occurrence of the API key replaced, in case a server echoes it. */
    public String scrub(String text) {
        return secret == null || secret.length() < 4 || text == null ? text : text.replace(secret, "***");
    }

    /** The same provider error with the API key scrubbed from what the provider said. */
    public ProviderException scrub(ProviderException e) {
        return new ProviderException(e.status(), e.type(), e.code(), e.param(), scrub(e.providerMessage()), scrub(e.body()));
    }

    public URI endpoint() {
        return endpoint;
    }

    public Duration readTimeout() {
        return readTimeout;
    }
}
