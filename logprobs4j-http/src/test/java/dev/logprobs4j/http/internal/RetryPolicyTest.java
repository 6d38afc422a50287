package dev.logprobs4j.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The retry rules of OpenAI's SDKs (openai-python {@code _base_client.py}), computed by hand. */
class RetryPolicyTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);

    private static HttpHeaders headers(String... nameValues) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.put(nameValues[i], List.of(nameValues[i + 1]));
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @Test
    void backoffDoublesFromHalfASecondUpToEightWithoutJitter() {
        RetryPolicy noJitter = new RetryPolicy(CLOCK, () -> 0.0);
        assertThat(List.of(0, 1, 2, 3, 4, 5, 40).stream().map(n -> noJitter.delay(n, null).toMillis()))
                .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 8000L, 8000L);
    }

    @Test
    void jitterTakesOffAtMostAQuarter() {
        RetryPolicy fullJitter = new RetryPolicy(CLOCK, () -> 1.0);
        assertThat(fullJitter.delay(0, null)).isEqualTo(Duration.ofMillis(375));
        assertThat(fullJitter.delay(4, headers())).isEqualTo(Duration.ofMillis(6000));
    }

    @Test
    void serverAskedWaitsWinWhenReasonable() {
        RetryPolicy p = new RetryPolicy(CLOCK, () -> 0.0);
        assertThat(p.delay(0, headers("retry-after-ms", "20"))).isEqualTo(Duration.ofMillis(20));
        assertThat(p.delay(0, headers("retry-after-ms", "20", "retry-after", "9"))).isEqualTo(Duration.ofMillis(20));
        assertThat(p.delay(0, headers("retry-after", "1.5"))).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.delay(0, headers("retry-after", "Wed, 21 Oct 2015 07:28:10 GMT"))).isEqualTo(Duration.ofSeconds(10));
        // Unreasonable or unreadable: back off instead.
        assertThat(p.delay(0, headers("retry-after", "61"))).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delay(1, headers("retry-after", "0"))).isEqualTo(Duration.ofMillis(1000));
        assertThat(p.delay(0, headers("retry-after", "soon"))).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delay(0, headers("retry-after", "Wed, 21 Oct 2015 07:27:00 GMT"))).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void retriedStatusesAreTheSdks() {
        assertThat(List.of(400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504).stream()
                .filter(s -> RetryPolicy.shouldRetry(s, headers())))
                .containsExactly(408, 409, 429, 500, 502, 503, 504);
        assertThat(RetryPolicy.shouldRetry(500, headers("x-should-retry", "false"))).isFalse();
        assertThat(RetryPolicy.shouldRetry(400, headers("x-should-retry", "true"))).isTrue();
        assertThat(RetryPolicy.shouldRetry(429, headers("x-should-retry", "maybe"))).isTrue();
    }
}
