package dev.logprobs4j.http.internal;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When and how long to wait before trying a request again, the way OpenAI's official SDKs do it:
 * 408, 409, 429 and 5xx answers and connection failures are retried; an {@code x-should-retry}
 * header overrides that; the wait is the server's {@code retry-after-ms} or {@code retry-after}
 * (seconds or an HTTP date) when it is between 0 and 60 seconds, else exponential backoff from
 * 0.5 s doubling up to 8 s, less up to 25 % jitter. Immutable and thread-safe.
 */
public final class RetryPolicy {

    static final double INITIAL_DELAY_SECONDS = 0.5;
    static final double MAX_DELAY_SECONDS = 8.0;
    /** Longer server-asked waits are not honoured (the SDKs' limit): backoff applies instead. */
    static final double MAX_RETRY_AFTER_SECONDS = 60.0;

    private final Clock clock;
    private final DoubleSupplier random;

    public RetryPolicy(Clock clock, DoubleSupplier random) {
        this.clock = clock;
        this.random = random;
    }

    /** The policy with the system clock and {@link ThreadLocalRandom} for the jitter. */
    public static RetryPolicy standard() {
        return new RetryPolicy(Clock.systemUTC(), () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Whether an answer with this status and headers is worth another try. */
    public static boolean shouldRetry(int status, HttpHeaders headers) {
        Optional<String> should = headers.firstValue("x-should-retry");
        if (should.isPresent()) {
            if (should.get().equalsIgnoreCase("true")) {
                return true;
            }
            if (should.get().equalsIgnoreCase("false")) {
                return false;
            }
        }
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    /**
     * How long to wait before retry number {@code retriesTaken + 1}.
     *
     * @param headers the failed answer's headers, or null after a connection failure
     */
    public Duration delay(int retriesTaken, HttpHeaders headers) {
        if (headers != null) {
            double asked = retryAfterSeconds(headers);
            if (asked > 0 && asked <= MAX_RETRY_AFTER_SECONDS) {
                return Duration.ofNanos((long) (asked * 1e9));
            }
        }
        double backoff = Math.min(INITIAL_DELAY_SECONDS * Math.pow(2.0, Math.min(retriesTaken, 1000)), MAX_DELAY_SECONDS);
        double jitter = 1 - 0.25 * random.getAsDouble();
        return Duration.ofNanos((long) (backoff * jitter * 1e9));
    }

    /** The wait the server asked for in seconds, or -1 when it asked for none we can read. */
    double retryAfterSeconds(HttpHeaders headers) {
        Optional<String> ms = headers.firstValue("retry-after-ms");
        if (ms.isPresent()) {
            try {
                return Double.parseDouble(ms.get().trim()) / 1000.0;
            } catch (NumberFormatException e) {
                // fall through to retry-after, as the SDKs do
            }
        }
        Optional<String> after = headers.firstValue("retry-after");
        if (after.isEmpty()) {
            return -1;
        }
        String value = after.get().trim();
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.between(clock.instant(), when.toInstant()).toMillis() / 1000.0;
            } catch (DateTimeParseException notADate) {
                return -1;
            }
        }
    }
}
