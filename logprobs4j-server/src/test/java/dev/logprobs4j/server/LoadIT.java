package dev.logprobs4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.Message;
import dev.logprobs4j.local.LocalChatModel;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many streaming clients at once against stories260K on loopback, bounded in count and time: every
 * answer must be whole and equal the one its seed gives LocalChatModel directly. Throughput and
 * latency percentiles are printed, not asserted (they depend on the machine).
 */
class LoadIT {

    static final int CLIENTS = 16;
    static final int ROUNDS = 2;
    static final int MAX_TOKENS = 64;

    record Result(String text, int tokens, String finish, long firstTokenNanos, long totalNanos) {
    }

    @Test
    void sixteenConcurrentStreamingClientsGetWholeCorrectAnswers() throws Exception {
        LocalChatModel local = Stories.model();
        int slots = Math.max(2, Runtime.getRuntime().availableProcessors());
        try (LogprobsServer server = LogprobsServer.builder().model(local).port(0).maxConcurrent(slots)
                .queueCapacity(CLIENTS * ROUNDS).requestTimeout(Duration.ofMinutes(2)).build().start();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // Warm up first (JIT of the engine's kernels and the server's paths): cold code would be measured otherwise.
            for (int i = 0; i < 4; i++) {
                stream(client, server, local.modelName(), 1000 + i);
            }
            int total = CLIENTS * ROUNDS;
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                int seed = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return stream(client, server, local.modelName(), seed);
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            List<Result> results = new ArrayList<>();
            for (Future<Result> f : futures) {
                results.add(f.get(5, TimeUnit.MINUTES));
            }
            long wall = System.nanoTime() - start;
            long tokens = 0;
            for (int i = 0; i < total; i++) {
                AIMessage want = local.invoke(List.of(Message.human(prompt(i))), options(i));
                Result got = results.get(i);
                assertThat(got.text()).as("client " + i).isEqualTo(want.content());
                assertThat(got.tokens()).as("client " + i).isEqualTo(want.logprobs().size());
                assertThat(got.finish()).as("client " + i).isEqualTo(want.finishReason());
                tokens += got.tokens();
            }
            if (Boolean.getBoolean("load.verbose")) {
                results.forEach(r -> System.out.printf(Locale.ROOT, "  ttft %.0f ms total %.0f ms%n", ms(r.firstTokenNanos()), ms(r.totalNanos())));
            }
            long[] ttft = results.stream().mapToLong(Result::firstTokenNanos).sorted().toArray();
            long[] lat = results.stream().mapToLong(Result::totalNanos).sorted().toArray();
            System.out.printf(Locale.ROOT, "LoadIT: %d streaming requests, %d concurrent clients, %d generation slots, %d tokens in %.2f s"
                            + " = %.1f tokens/s; time to first token p50 %.0f ms p99 %.0f ms; total p50 %.0f ms p99 %.0f ms%n",
                    total, CLIENTS, slots, tokens, wall / 1e9, tokens / (wall / 1e9), ms(pct(ttft, 50)), ms(pct(ttft, 99)),
                    ms(pct(lat, 50)), ms(pct(lat, 99)));
            assertThat(server.stats().generationsCompleted()).isEqualTo(total + 4);
            assertThat(server.stats().rejected()).isZero();
        }
    }

    static String prompt(int i) {
        return i % 2 == 0 ? "Once upon a time" : "Lily and Tom went to the park";
    }

    static ChatOptions options(int seed) {
        return ChatOptions.builder().temperature(0.8).seed(seed).maxTokens(MAX_TOKENS).logprobs(true).build();
    }

    static Result stream(HttpClient client, LogprobsServer server, String model, int seed) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"temperature\":0.8,\"seed\":" + seed + ",\"max_tokens\":" + MAX_TOKENS
                + ",\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt(seed) + "\"}]}";
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        long first = -1;
        String finish = null;
        boolean done = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    continue;
                }
                JsonNode c = Http.JSON.readTree(data).at("/choices/0");
                int n = c.at("/logprobs/content").size();
                if (n > 0 && first < 0) {
                    first = System.nanoTime() - t0;
                }
                tokens += n;
                text.append(c.at("/delta/content").asText(""));
                if (c.hasNonNull("finish_reason")) {
                    finish = c.get("finish_reason").asText();
                }
            }
        }
        assertThat(done).as("stream ended with [DONE]").isTrue();
        return new Result(text.toString(), tokens, finish, first, System.nanoTime() - t0);
    }

    static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

}
