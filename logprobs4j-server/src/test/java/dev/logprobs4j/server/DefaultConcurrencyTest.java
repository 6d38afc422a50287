package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default {@code maxConcurrent} is not the core count: eight concurrent requests all generate
 * at once (so local ones share decode steps) instead of queueing behind two slots.
 */
class DefaultConcurrencyTest {

    @Test
    void eightConcurrentRequestsGenerateAtOnceWithTheDefaults() throws Exception {
        assertThat(LogprobsServer.DEFAULT_MAX_CONCURRENT).isGreaterThanOrEqualTo(8)
                .isGreaterThan(Runtime.getRuntime().availableProcessors());
        ScriptedModel held = new ScriptedModel(3);
        CountDownLatch gate = new CountDownLatch(1);
        held.holdGenerations(gate);
        try (LogprobsServer server = LogprobsServer.builder().model(held).port(0).build().start()) {
            Http h = new Http(server, null);
            List<CompletableFuture<Http.Reply>> running = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                running.add(CompletableFuture.supplyAsync(() -> h.post("/v1/chat/completions", ErrorResponsesTest.chat(""))));
            }
            ErrorResponsesTest.await(() -> held.sessions.get() == 8); // all eight hold a slot together
            assertThat(server.stats().queued()).isZero();
            gate.countDown();
            for (CompletableFuture<Http.Reply> f : running) {
                assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }
}
