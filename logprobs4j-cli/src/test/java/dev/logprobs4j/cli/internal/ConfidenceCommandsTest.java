package dev.logprobs4j.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.AIMessage;
import dev.logprobs4j.JsonConfidence;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.TopLogprob;
import dev.logprobs4j.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code classify} on the real local engine, and the JSON-fields table and tree. */
class ConfidenceCommandsTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        Map<String, String> env = Map.of();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, new Terminal(false, false), new Backends(env));
        return Main.run(args, io);
    }

    @Test
    void classifyPrintsOneLinePerLabelWithExactScores() {
        assertThat(run("classify", "Once upon a time, there was a little", "--labels", " girl, boy, lion", "--threads", "2")).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).contains("label", "logprob", "of labels", "1st-token rank");
        assertThat(lines.get(1)).startsWith("·girl").contains("3");
        assertThat(lines.get(3)).startsWith("·lion");
        assertThat(lines.get(4)).startsWith("exact:");
    }

    @Test
    void classifyJsonHasEveryLabelAndADistributionSummingToOne() throws Exception {
        assertThat(run("classify", "Once upon a time, there was a little", "--labels", " girl", "--labels", " boy", "--json",
                "--threads", "2")).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(json.get("object").asText()).isEqualTo("classification");
        assertThat(json.get("method").asText()).isEqualTo("exact");
        assertThat(json.get("labels")).hasSize(2);
        assertThat(json.get("labels").get(0).get("label").asText()).isEqualTo(" girl");
        assertThat(json.get("labels").get(0).get("first_token_rank").asInt()).isEqualTo(1);
        double sum = json.get("labels").get(0).get("probability").asDouble() + json.get("labels").get(1).get("probability").asDouble();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void classifyOverAnOpenAiServerGivesLowerBoundsAndVllmNeedsPromptLogprobs() throws Exception {
        java.nio.file.Path gguf = ModelPaths.localModel(null, ModelPaths.repoRoot(Map.of()));
        try (dev.logprobs4j.local.LocalChatModel local = dev.logprobs4j.local.LocalChatModel.builder().modelPath(gguf).threads(2).build();
             dev.logprobs4j.server.LogprobsServer server = dev.logprobs4j.server.LogprobsServer.builder().model(local).port(0).build().start()) {
            String base = "http://127.0.0.1:" + server.port() + "/v1";
            assertThat(run("classify", "Once upon a time", "--provider", "openai", "--base-url", base, "--model", local.modelName(),
                    "--api-key", "none", "--labels", " there, in")).isZero();
            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines.get(1)).startsWith("·there");
            assertThat(lines.get(3)).startsWith("lower bounds from the first answer token's top alternatives;");
            out.reset();
            // our server is no vLLM: it returns no prompt_logprobs, and the message says so
            assertThat(run("classify", "Once upon a time", "--provider", "vllm", "--base-url", base, "--model", local.modelName(),
                    "--api-key", "none", "--labels", " there, in")).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("the answer has no prompt_logprobs");
        }
    }

    @Test
    void classifyRejectsDuplicateLabelsAsAUsageError() {
        assertThat(run("classify", "x", "--labels", "a,a")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--labels: label 'a' is given twice");
    }

    private static AIMessage jsonAnswer() {
        String[] pieces = {"{\"", "city", "\":\"", "Paris", "\",\"", "ok", "\":", "true", "}"};
        List<TokenLogprob> tokens = new ArrayList<>();
        double[] lps = {-0.01, -0.02, -0.03, -0.9, -0.01, -0.2, -0.01, -2.5, -0.01};
        for (int i = 0; i < pieces.length; i++) {
            byte[] b = pieces[i].getBytes(StandardCharsets.UTF_8);
            tokens.add(new TokenLogprob(pieces[i], b, lps[i], List.of(new TopLogprob(pieces[i], b, lps[i]), new TopLogprob("false", null, -0.1))));
        }
        return AIMessage.of(String.join("", pieces), Logprobs.of(tokens), "stop", null);
    }

    @Test
    void jsonFieldsTableHasPathValueAndDecidingToken() {
        String table = JsonFieldsTable.render(JsonConfidence.of(jsonAnswer()), AnsiColors.NONE);
        List<String> lines = table.lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(2)).startsWith("$.city").contains("string", "\"Paris\"", "Paris");
        assertThat(lines.get(4)).startsWith("$.ok").contains("boolean", "true", "8.2%", "false");
    }

    @Test
    void htmlReportShowsTheFieldsAsATreeColouredByConfidence() {
        AIMessage answer = jsonAnswer();
        String html = HtmlReport.render(new HtmlReport.Input("chat", "m", "p", List.of(), answer.logprobs(), "stop",
                JsonConfidence.of(answer)));
        assertThat(html).contains("<h2 id=\"h-fields\">JSON fields</h2>");
        assertThat(html).contains("data-path=\"$.city\"><code class=\"path\">.city</code> <code class=\"v l2\">&quot;Paris&quot;</code>");
        assertThat(html).contains("data-path=\"$.ok\"><code class=\"path\">.ok</code> <code class=\"v l3\">true</code>"
                + " <span class=\"muted\">joint p 8.2% · decided by <code>true</code> 8.2%</span>");
        // percentages like "<0.1%" are escaped
        AIMessage unlikely = AIMessage.of("[1]", Logprobs.of(List.of(new TokenLogprob("[1]", null, -20))), "stop", null);
        String small = HtmlReport.render(new HtmlReport.Input("chat", "m", "p", List.of(), unlikely.logprobs(), "stop",
                JsonConfidence.of(unlikely)));
        assertThat(small).contains("joint p &lt;0.1%").doesNotContain("joint p <0.1%");
    }
}
