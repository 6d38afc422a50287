package dev.logprobs4j.bench;

import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.server.LogprobsServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Forked measurement of {@link LogprobsServer} on one model: for each concurrency level, that many
 * streaming chat requests (greedy, logprobs with top_logprobs=20) sent at once, repeated;
 * prints aggregate streamed tokens/s as {@code RESULT agg_<c> <tok/s>}.
 * Arguments: {@code <model> <threads> <maxTokens> <runs> <levels,...>}.
 */
public final class ServerWorker {
    private ServerWorker() {}

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int maxTokens = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        String[] levels = args[4].split(",");
        int most = 1;
        for (String l : levels) {
            most = Math.max(most, Integer.parseInt(l));
        }
        try (LocalChatModel local = LocalChatModel.builder().modelPath(model).threads(threads).contextLength(256).build();
                LogprobsServer server = LogprobsServer.builder().model(local).port(0).queueCapacity(4 * most).build().start()) {
            // The default max-concurrent, as a user gets it: it must let the streams share decode steps.
            HttpClient http = HttpClient.newHttpClient();
            String url = server.baseUrl() + "/chat/completions";
            String body = "{\"model\":\"" + local.modelName().replace("\"", "") + "\",\"stream\":true,\"temperature\":0,\"max_tokens\":" + maxTokens
                    + ",\"logprobs\":true,\"top_logprobs\":20,\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
            ExecutorService clients = Executors.newFixedThreadPool(most);
            stream(http, url, body); // warm-up
            for (int r = 0; r < runs; r++) {
                for (String l : levels) {
                    int c = Integer.parseInt(l);
                    long t0 = System.nanoTime();
                    List<Future<Integer>> fs = new ArrayList<>();
                    for (int i = 0; i < c; i++) {
                        fs.add(clients.submit(() -> stream(http, url, body)));
                    }
                    int tokens = 0;
                    for (Future<Integer> f : fs) {
                        tokens += f.get();
                    }
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("RESULT agg_%d %.3f%n", c, tokens / s);
                    System.out.printf("RESULT tokens_%d %d%n", c, tokens);
                    System.out.flush();
                }
            }
            clients.shutdownNow();
        }
        System.exit(0);
    }

    /** Streams one answer; returns the number of content tokens (events with a logprobs entry). */
    private static int stream(HttpClient http, String url, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<java.io.InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("server answered " + res.statusCode() + ": " + new String(res.body().readAllBytes(), StandardCharsets.UTF_8));
            }
            int tokens = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("data: {") && line.contains("\"top_logprobs\":[{")) {
                        tokens++;
                    }
                }
            }
            return tokens;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
