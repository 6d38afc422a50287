package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.logprobs4j.cli.Main;
import dev.logprobs4j.local.LocalChatModel;
import dev.logprobs4j.local.PromptScore;
import dev.logprobs4j.server.LogprobsServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logprobs4j batch} on the real engine (stories260K): a 206-line file of chat, completion,
 * echo and scoring lines plus 3 malformed ones, checked against one-by-one calls, and a run killed
 * mid-way then resumed.
 */
class BatchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VALID = 203;
    private static final int MALFORMED = 3;

    @TempDir
    static Path dir;

    static Path model;
    static Path input;
    /** The uninterrupted run's output lines by custom_id (error lines by id). */
    static Map<String, JsonNode> reference;
    static String referenceErr;
    static int referenceExit;

    @BeforeAll
    static void runWholeFile() throws IOException {
        model = findModel();
        input = dir.resolve("in.jsonl");
        Files.write(input, inputLines());
        Path out = dir.resolve("out.jsonl");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // The defaults: scoring lines in flight by tokens, 8 chat and completion lines.
        referenceExit = run(err, "batch", input.toString(), "-o", out.toString(), "--model", model.toString(),
                "--threads", "2");
        referenceErr = err.toString(StandardCharsets.UTF_8);
        reference = byKey(Files.readAllLines(out));
    }

    @Test
    void everyLineGetsExactlyOneOutputLineAndBadLinesGetOpenAiShapedErrors() {
        assertThat(referenceExit).as(referenceErr).isEqualTo(1); // the malformed lines are errors
        assertThat(reference).hasSize(VALID + MALFORMED);
        List<JsonNode> errors = reference.values().stream().filter(n -> !n.get("error").isNull()).toList();
        assertThat(errors).hasSize(MALFORMED);
        assertThat(errors).allSatisfy(e -> {
            assertThat(e.get("response").isNull()).isTrue();
            assertThat(e.get("error").get("code").asText()).isEqualTo("invalid_request");
        });
        assertThat(errors.stream().map(e -> e.get("error").get("message").asText()).sorted().toList()).containsExactly(
                "line 100: custom_id must be a non-empty string",
                "line 150: url /v1/embeddings is not supported: use /v1/chat/completions or /v1/completions",
                "line 50 is not valid JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name");
        assertThat(reference.values().stream().filter(n -> n.get("error").isNull()))
                .allSatisfy(n -> assertThat(n.get("response").get("status_code").asInt()).as(n.toString()).isEqualTo(200));
        assertThat(referenceErr).contains("206 rows (0 done before)").contains("3 lines with errors");
    }

    @Test
    void outputEqualsOneByOneCalls() throws Exception {
        try (LocalChatModel local = LocalChatModel.builder().modelPath(model).threads(2).build();
             LogprobsServer server = LogprobsServer.builder().model(local).port(0).maxConcurrent(1).build().start();
             HttpClient http = HttpClient.newHttpClient()) {
            int checked = 0;
            for (String line : inputLines()) {
                JsonNode in;
                try {
                    in = JSON.readTree(line);
                } catch (IOException malformed) {
                    continue;
                }
                if (!in.path("custom_id").isTextual() || in.path("url").asText().equals("/v1/embeddings")) {
                    continue;
                }
                JsonNode got = reference.get(in.get("custom_id").asText()).get("response").get("body");
                JsonNode expected;
                if (in.has("text")) {
                    PromptScore s = local.score(in.get("text").asText(), in.path("top_logprobs").asInt(0));
                    expected = JSON.valueToTree(OpenAiJson.score(local.modelName(), in.get("text").asText(), s.unscored(), s.scored()));
                } else {
                    ObjectNode body = in.get("body").deepCopy();
                    body.put("model", local.modelName());
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                                    + in.get("url").asText().substring(3))).header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    expected = JSON.readTree(r.body());
                }
                assertThat(withoutIds(got)).as(in.get("custom_id").asText()).isEqualTo(withoutIds(expected));
                checked++;
            }
            assertThat(checked).isEqualTo(VALID);
        }
    }

    @Test
    void chatLinesAnswerAsLocalChatModelDoes() throws Exception {
        try (LocalChatModel local = LocalChatModel.builder().modelPath(model).threads(2).build()) {
            for (int i : new int[] {0, 5, 10}) {
                JsonNode body = reference.get("chat-" + i).get("response").get("body");
                String expected = local.invoke(List.of(dev.logprobs4j.Message.human("Tell story " + i)),
                        dev.logprobs4j.ChatOptions.builder().temperature(0.0).maxTokens(6).logprobs(true).topLogprobs(2).build()).content();
                assertThat(body.get("choices").get(0).get("message").get("content").asText()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aKilledRunResumesToTheSameCompleteOutputWithoutDuplicates() throws Exception {
        Path out = dir.resolve("killed.jsonl");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--add-modules", "jdk.incubator.vector", "-Xss4m", "-cp",
                System.getProperty("java.class.path"), "dev.logprobs4j.cli.Main", "batch", input.toString(), "-o", out.toString(),
                "--model", model.toString(), "--concurrency", "2", "--threads", "1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (lines(out) < 30 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(p.isAlive()).as("the run must still be going when it is killed").isTrue();
        p.destroyForcibly().waitFor();
        int before = lines(out);
        assertThat(before).isBetween(30, VALID + MALFORMED - 1);
        // A kill in the middle of a write leaves a torn last line: the rerun must drop it.
        Files.writeString(out, "{\"id\":\"batch_req_torn\",\"custom_id\":\"chat-", java.nio.file.StandardOpenOption.APPEND);

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = run(err, "batch", input.toString(), "-o", out.toString(), "--model", model.toString(), "--threads", "2");
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isIn(0, 1);
        List<String> all = Files.readAllLines(out);
        assertThat(all).hasSize(VALID + MALFORMED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("(" + before + " done before)");
        Map<String, JsonNode> resumed = byKey(all);
        assertThat(resumed.keySet()).isEqualTo(reference.keySet());
        for (Map.Entry<String, JsonNode> e : reference.entrySet()) {
            assertThat(withoutIds(resumed.get(e.getKey()))).as(e.getKey()).isEqualTo(withoutIds(e.getValue()));
        }
        // A third run has nothing left to do.
        assertThat(run(new ByteArrayOutputStream(), "batch", input.toString(), "-o", out.toString(), "--model", model.toString()))
                .isEqualTo(0);
        assertThat(Files.readAllLines(out)).hasSize(VALID + MALFORMED);
    }

    @Test
    void repeatedCustomIdsAndAnEmptyFileAreReported() throws Exception {
        Path in = dir.resolve("dup.jsonl");
        Files.write(in, List.of("{\"custom_id\":\"a\",\"text\":\"Once upon a time\"}", "{\"custom_id\":\"a\",\"text\":\"The end\"}"));
        Path out = dir.resolve("dup-out.jsonl");
        assertThat(run(new ByteArrayOutputStream(), "batch", in.toString(), "-o", out.toString(), "--model", model.toString()))
                .isEqualTo(1);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2);
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("line 2: custom_id a repeats line 1"));
    }

    // ---- helpers ----

    /** 206 lines: chat (greedy and seeded sampling), completion, echo and scoring lines, 3 malformed at lines 50, 100, 150. */
    static List<String> inputLines() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; lines.size() < VALID + MALFORMED; i++) {
            int n = lines.size() + 1;
            if (n == 50) {
                lines.add("{not json");
                continue;
            }
            if (n == 100) {
                lines.add("{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{}}");
                continue;
            }
            if (n == 150) {
                lines.add("{\"custom_id\":\"emb-1\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{\"input\":\"x\"}}");
                continue;
            }
            lines.add(switch (i % 5) {
                case 0 -> "{\"custom_id\":\"chat-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                        + "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell story " + i + "\"}],"
                        + "\"max_tokens\":6,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":2}}";
                case 1 -> "{\"custom_id\":\"sample-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                        + "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"A dog named " + i + "\"}],"
                        + "\"max_tokens\":5,\"temperature\":0.9,\"seed\":" + (1000 + i) + ",\"logprobs\":true}}";
                case 2 -> "{\"custom_id\":\"compl-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":"
                        + "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"Once upon a time " + i + "\",\"max_tokens\":5,"
                        + "\"temperature\":0,\"logprobs\":2}}";
                case 3 -> "{\"custom_id\":\"echo-" + i + "\",\"method\":\"POST\",\"url\":\"/v1/completions\",\"body\":"
                        + "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"The cat sat on mat " + i + "\",\"max_tokens\":1,"
                        + "\"temperature\":0,\"echo\":true,\"logprobs\":1}}";
                default -> "{\"custom_id\":\"score-" + i + "\",\"text\":\"Lily saw a bird number " + i + " in the park.\""
                        + (i % 2 == 0 ? ",\"top_logprobs\":3" : "") + "}";
            });
        }
        return lines;
    }

    private static int run(ByteArrayOutputStream err, String... args) {
        Map<String, String> env = new HashMap<>();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, new Terminal(false, false), new Backends(env));
        return Main.run(args, io);
    }

    private static Map<String, JsonNode> byKey(List<String> lines) throws IOException {
        Map<String, JsonNode> m = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            String key = n.get("custom_id").isTextual() ? n.get("custom_id").asText() : n.get("id").asText();
            assertThat(keys.add(key)).as("duplicate output line for " + key).isTrue();
            m.put(key, n);
        }
        return m;
    }

    /** The body without what differs between two servers by design (its own ids and clock). */
    private static JsonNode withoutIds(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            if (o.has("choices") || o.has("object")) {
                o.remove("id");
                o.remove("created");
                o.remove("system_fingerprint");
            }
            o.forEach(BatchCommandTest::strip);
        } else if (n.isArray()) {
            n.forEach(BatchCommandTest::strip);
        }
    }

    private static int lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] b = Files.readAllBytes(file);
        int count = 0;
        for (byte x : b) {
            if (x == '\n') {
                count++;
            }
        }
        return count;
    }

    static Path findModel() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("shared/models/stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalStateException("shared/models/stories260K.gguf not found above " + Path.of("").toAbsolutePath());
    }
}
