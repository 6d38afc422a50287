package dev.logprobs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@code ./logprobs4j} launcher as a user would, on the jars Maven has just built
 * ({@code LOGPROBS4J_NO_BUILD=1}: no nested build inside this one) and the default model
 * {@code ../shared/models/stories260K.gguf}.
 */
class LauncherIT {

    static Path repo;

    @BeforeAll
    static void findRepository() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && dev.logprobs4j.cli.internal.ModelPaths.isParentPom(Files.readString(pom))) {
                repo = dir;
                return;
            }
        }
        fail("no logprobs4j repository above " + Path.of("").toAbsolutePath());
    }

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(repo.resolve("logprobs4j").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().put("LOGPROBS4J_NO_BUILD", "1");
        pb.environment().remove("NO_COLOR");
        Path err = Files.createTempFile("logprobs4j-err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("./logprobs4j " + String.join(" ", args) + " did not finish in 180 s");
        }
        String errText = Files.readString(err);
        Files.delete(err);
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), errText);
    }

    @Test
    void serveAnswersAnOpenAiRequestWithLogprobs() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("logprobs4j").toString(), "serve", "--port", "0")
                .directory(repo.toFile());
        pb.environment().put("LOGPROBS4J_NO_BUILD", "1");
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String baseUrl = null;
            StringBuilder seen = new StringBuilder();
            for (String line; baseUrl == null && (line = err.readLine()) != null; ) {
                seen.append(line).append('\n');
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(" at (http://\\S+/v1)").matcher(line);
                if (m.find()) {
                    baseUrl = m.group(1);
                }
            }
            assertThat(baseUrl).as("serve's start-up line; stderr was:%n%s", seen).isNotNull();
            Thread.ofVirtual().start(() -> {
                try {
                    err.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            String body = "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}],"
                    + "\"logprobs\":true,\"top_logprobs\":2,\"max_tokens\":4,\"temperature\":0}";
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/chat/completions"))
                            .header("content-type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode root = new ObjectMapper().readTree(response.body());
            JsonNode content = root.get("choices").get(0).get("logprobs").get("content");
            assertThat(content).hasSize(4);
            assertThat(content.get(0).get("token").asText()).isEqualTo(",");
            assertThat(content.get(0).get("top_logprobs")).hasSize(2);
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void chatJsonHasOneLogprobPerRequestedToken() throws Exception {
        Result r = run("chat", "Once upon a time", "--max-tokens", "16", "--temperature", "0", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("object").asText()).isEqualTo("chat.completion");
        JsonNode content = root.get("choices").get(0).get("logprobs").get("content");
        assertThat(content).hasSize(16);
        StringBuilder text = new StringBuilder();
        for (JsonNode t : content) {
            assertThat(t.get("logprob").asDouble()).isLessThanOrEqualTo(0);
            assertThat(t.get("top_logprobs")).hasSize(3);
            text.append(t.get("token").asText());
        }
        assertThat(root.get("choices").get(0).get("message").get("content").asText()).isEqualTo(text.toString());
        assertThat(root.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void scoreJsonTotalsAgreeWithItsTokens() throws Exception {
        Result r = run("score", "--text", "Once upon a time, there was a little girl.", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode content = root.get("logprobs").get("content");
        assertThat(content.size()).isPositive();
        double total = 0;
        for (JsonNode t : content) {
            total += t.get("logprob").asDouble();
        }
        assertThat(root.get("total_logprob").asDouble()).isCloseTo(total, Offset.offset(1e-9));
        assertThat(root.get("perplexity").asDouble()).isCloseTo(Math.exp(-total / content.size()), Offset.offset(1e-9));
        assertThat(root.get("usage").get("prompt_tokens").asInt()).isEqualTo(root.get("unscored").size() + content.size());
    }

    @Test
    void classifyJsonAgreesWithScoreDifferences() throws Exception {
        Result r = run("classify", "Once upon a time, there was a little", "--labels", " girl, lions", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode lions = new ObjectMapper().readTree(r.out()).get("labels").get(1);
        double with = new ObjectMapper().readTree(run("score", "--text", "Once upon a time, there was a little lions", "--json").out())
                .get("total_logprob").asDouble();
        double without = new ObjectMapper().readTree(run("score", "--text", "Once upon a time, there was a little", "--json").out())
                .get("total_logprob").asDouble();
        assertThat(lions.get("logprob").asDouble()).isCloseTo(with - without, Offset.offset(1e-6));
        assertThat(lions.get("first_token_rank").asInt()).isGreaterThan(20);
    }

    @Test
    void intoAPipeTheTableHasNoColourCodes() throws Exception {
        Result r = run("chat", "Once upon a time", "--max-tokens", "4", "--temperature", "0");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("#  token").contains("tokens 4 · total logprob").doesNotContain("\033[");
        assertThat(r.err()).doesNotContain("loading");
    }

    @Test
    void aMissingModelFileExitsWithOneAndNoStackTrace() throws Exception {
        Result r = run("chat", "hi", "--model", "/nonexistent/model.gguf");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("logprobs4j: model file not found: /nonexistent/model.gguf").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aUsageErrorExitsWithTwo() throws Exception {
        Result r = run("chat", "hi", "--max-tokens", "many");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--max-tokens");
    }
}
