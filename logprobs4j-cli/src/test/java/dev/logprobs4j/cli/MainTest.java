package dev.logprobs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.ProviderException;
import dev.logprobs4j.cli.internal.Backend;
import dev.logprobs4j.cli.internal.CliException;
import dev.logprobs4j.cli.internal.Io;
import dev.logprobs4j.cli.internal.Terminal;
import dev.logprobs4j.cli.internal.TestBackends;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path tmp;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Map<String, String> env = new HashMap<>();
    final List<Backend.Spec> opened = new ArrayList<>();
    Backend.Factory factory = spec -> {
        opened.add(spec);
        return TestBackends.fourLevels();
    };
    boolean tty;
    String stdin = "";
    byte[] stdinBytes; // when set, stdin as raw bytes

    int run(String... args) {
        Io io = new Io(new ByteArrayInputStream(stdinBytes != null ? stdinBytes : stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                env, new Terminal(tty, tty), factory);
        return Main.run(args, io);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void chatPrintsTheAnswerThenTheTableThenTheSummary() {
        assertThat(run("chat", "say", "hello")).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("Hello world<script>");
        assertThat(lines.get(1)).isEmpty();
        assertThat(lines.get(2)).startsWith("#  token");
        assertThat(lines).hasSize(2 + 1 + 4 + 1);
        assertThat(lines.get(lines.size() - 1)).startsWith("tokens 4 · total logprob ");
        assertThat(out()).doesNotContain("\033[");
    }

    @Test
    void chatSendsTheJoinedPromptWithLogprobsAndTheGivenOptions() {
        assertThat(run("chat", "say", "hello", "--top-logprobs", "5", "--temperature", "0", "--seed", "7",
                "--max-tokens", "16", "--stop", ".", "--stop", "!", "--top-p", "0.9")).isZero();
        var request = TestBackends.lastRequest();
        assertThat(request.messages().get(0).content()).isEqualTo("say hello");
        assertThat(request.options().logprobs()).isTrue();
        assertThat(request.options().topLogprobs()).isEqualTo(5);
        assertThat(request.options().temperature()).isEqualTo(0.0);
        assertThat(request.options().seed()).isEqualTo(7L);
        assertThat(request.options().maxTokens()).isEqualTo(16);
        assertThat(request.options().stop()).containsExactly(".", "!");
        assertThat(request.options().topP()).isEqualTo(0.9);
        assertThat(opened.get(0).provider()).isEqualTo("local");
    }

    @Test
    void dashReadsThePromptFromStdin() {
        stdin = "from stdin";
        assertThat(run("chat", "-")).isZero();
        assertThat(TestBackends.lastRequest().messages().get(0).content()).isEqualTo("from stdin");
    }

    @Test
    void providerModelAndBaseUrlReachTheBackend() {
        assertThat(run("chat", "hi", "--provider", "openai", "--model", "gpt-x", "--base-url", "http://h/v1")).isZero();
        assertThat(opened.get(0).provider()).isEqualTo("openai");
        assertThat(opened.get(0).model()).isEqualTo("gpt-x");
        assertThat(opened.get(0).baseUrl()).isEqualTo("http://h/v1");
    }

    @Test
    void jsonPrintsOnlyOneChatCompletionObject() throws Exception {
        assertThat(run("chat", "hi", "--json")).isZero();
        JsonNode root = new ObjectMapper().readTree(out());
        assertThat(root.get("object").asText()).isEqualTo("chat.completion");
        assertThat(root.get("choices").get(0).get("logprobs").get("content")).hasSize(4);
        assertThat(root.get("choices").get(0).get("message").get("content").asText()).isEqualTo("Hello world<script>\n");
        assertThat(root.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
        assertThat(out().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void streamedJsonIsTheSameAsBlockingJsonApartFromTheTimestamp() throws Exception {
        assertThat(run("chat", "hi", "--json")).isZero();
        JsonNode blocking = new ObjectMapper().readTree(out());
        out.reset();
        assertThat(run("chat", "hi", "--json", "--stream")).isZero();
        JsonNode streamed = new ObjectMapper().readTree(out());
        ((com.fasterxml.jackson.databind.node.ObjectNode) blocking).remove("created");
        ((com.fasterxml.jackson.databind.node.ObjectNode) streamed).remove("created");
        assertThat(streamed).isEqualTo(blocking);
    }

    @Test
    void streamPrintsTokensColouredOnATerminal() {
        tty = true;
        assertThat(run("chat", "hi", "--stream")).isZero();
        assertThat(out()).startsWith("\033[38;5;35mHello\033[0m\033[38;5;178m world\033[0m");
    }

    @Test
    void noColorEnvironmentVariableTurnsColourOffOnATerminal() {
        tty = true;
        env.put("NO_COLOR", "1");
        assertThat(run("chat", "hi")).isZero();
        assertThat(out()).doesNotContain("\033[");
    }

    @Test
    void noColorFlagTurnsColourOffOnATerminal() {
        tty = true;
        assertThat(run("chat", "hi", "--no-color")).isZero();
        assertThat(out()).doesNotContain("\033[");
    }

    @Test
    void htmlReportIsWrittenAndAnnouncedOnStderr() throws Exception {
        Path report = tmp.resolve("report.html");
        assertThat(run("chat", "hi", "--html", report.toString())).isZero();
        assertThat(Files.readString(report)).contains("<!DOCTYPE html>", "&lt;script&gt;");
        assertThat(err()).contains("report written to " + report);
        assertThat(out()).doesNotContain("report written");
    }

    @Test
    void usageErrorsExitWithTwoAndAShortHint() {
        assertThat(run("chat")).isEqualTo(2);
        assertThat(err()).contains("Missing required parameter: 'PROMPT'", "Try 'logprobs4j chat --help'");
        assertThat(err().lines().count()).isLessThan(4);
        err.reset();
        assertThat(run("chat", "hi", "--top-logprobs", "21")).isEqualTo(2);
        assertThat(err()).contains("--top-logprobs must be within [0, 20], was 21");
        err.reset();
        assertThat(run("chat", "hi", "--temperatur", "1")).isEqualTo(2);
        assertThat(err()).contains("--temperature");
        assertThat(run("nonsense")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(run("chat", "hi", "--provider", "nope")).isEqualTo(2);
        assertThat(opened).isEmpty();
    }

    @Test
    void runtimeErrorsExitWithOneAndOneLineWithoutStackTrace() {
        factory = spec -> {
            throw new CliException("the default model ../shared/models/stories260K.gguf is missing");
        };
        assertThat(run("chat", "hi")).isEqualTo(1);
        assertThat(err()).isEqualTo("logprobs4j: the default model ../shared/models/stories260K.gguf is missing\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void providerErrorsExitWithOne() {
        factory = spec -> {
            throw new ProviderException(401, "invalid_request_error", "invalid_api_key", null, "Incorrect API key", "{}");
        };
        assertThat(run("chat", "hi", "--provider", "openai")).isEqualTo(1);
        assertThat(err()).startsWith("logprobs4j: ").contains("401").doesNotContain("\tat ");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        factory = spec -> {
            throw new CliException("boom");
        };
        assertThat(run("chat", "hi", "--verbose")).isEqualTo(1);
        assertThat(err()).contains("logprobs4j: boom").contains("\tat ");
    }

    @Test
    void helpListsCommandsAndExamplesAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("chat", "score", "Examples:", "Exit codes");
        out.reset();
        assertThat(run("chat", "--help")).isZero();
        assertThat(out()).contains("--provider", "--model", "--base-url", "--top-logprobs", "--stream", "--temperature",
                "--seed", "--max-tokens", "--stop", "--json", "--html", "--no-color", "Examples:");
        out.reset();
        assertThat(run("score", "--help")).isZero();
        assertThat(out()).contains("FILE", "--text", "--top-logprobs", "--json", "--html", "Examples:");
    }

    @Test
    void scorePrintsUnscoredStartTableAndSummaryWithContinuedIndexes() {
        assertThat(run("score", "--text", "Start Hello world")).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).contains("unscored", "Start");
        assertThat(lines.get(2)).startsWith("1  Hello");
        assertThat(lines.get(lines.size() - 1)).startsWith("tokens 4 · total logprob");
    }

    @Test
    void scoreReadsAFileOrStdin() throws Exception {
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "some text");
        assertThat(run("score", f.toString(), "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out()).get("text").asText()).isEqualTo("some text");
        out.reset();
        stdin = "piped text";
        assertThat(run("score", "-", "--json")).isZero();
        assertThat(new ObjectMapper().readTree(out()).get("text").asText()).isEqualTo("piped text");
    }

    @Test
    void scoreNeedsExactlyOneInput() {
        assertThat(run("score")).isEqualTo(2);
        assertThat(err()).contains("either as FILE");
        assertThat(run("score", "f.txt", "--text", "x")).isEqualTo(2);
    }

    @Test
    void scoreOfAMissingFileExitsWithOne() {
        assertThat(run("score", tmp.resolve("missing.txt").toString())).isEqualTo(1);
        assertThat(err()).contains("no such file: " + tmp.resolve("missing.txt"));
    }

    @Test
    void progressGoesToStderrOnlyWhenItIsATerminal() {
        assertThat(run("chat", "hi")).isZero();
        assertThat(opened.get(0).progressTo()).isNull();
        tty = true;
        assertThat(run("chat", "hi")).isZero();
        assertThat(opened.get(1).progressTo()).isNotNull();
    }

    @Test
    void htmlIntoAMissingFolderIsAUsageErrorBeforeAnyWork() {
        Path report = tmp.resolve("no-such-folder/report.html");
        assertThat(run("chat", "hi", "--html", report.toString())).isEqualTo(2);
        assertThat(err()).contains("--html", "does not exist");
        assertThat(opened).as("nothing generated").isEmpty();
        assertThat(Files.exists(report.getParent())).as("no folder created").isFalse();
        err.reset();
        assertThat(run("score", "--text", "x", "--html", tmp.toString())).isEqualTo(2);
        assertThat(err()).contains("is a directory");
    }

    @Test
    void zeroThreadsIsAUsageError() {
        assertThat(run("chat", "hi", "--threads", "0")).isEqualTo(2);
        assertThat(err()).contains("--threads must be >= 1, was 0");
        assertThat(run("score", "--text", "x", "--threads", "0")).isEqualTo(2);
        assertThat(run("serve", "--max-concurrent", "0")).isEqualTo(2);
        assertThat(err()).contains("--max-concurrent must be >= 1, was 0");
        assertThat(run("serve", "--write-timeout", "0")).isEqualTo(2);
        assertThat(err()).contains("--write-timeout must be >= 1, was 0");
        assertThat(opened).isEmpty();
    }

    @Test
    void invalidUtf8OnStdinNamesTheByteOffset() {
        stdinBytes = new byte[] {'o', 'k', ' ', (byte) 0xC0, (byte) 0xAF};
        assertThat(run("score", "-")).isEqualTo(1);
        assertThat(err()).contains("standard input is not valid UTF-8", "offset 3");
        err.reset();
        assertThat(run("chat", "-")).isEqualTo(1);
        assertThat(err()).contains("offset 3");
        assertThat(opened).isEmpty();
    }

    @Test
    void scoreOfADirectoryNamesThePath() {
        assertThat(run("score", tmp.toString())).isEqualTo(1);
        assertThat(err()).contains(tmp.toString(), "is a directory");
    }

    @Test
    void aDirectoryAsModelIsNotReportedAsNotFound() {
        assertThat(run("serve", "--model", tmp.toString(), "--port", "0")).isEqualTo(1);
        assertThat(err()).contains("is a directory").doesNotContain("not found");
    }

    @Test
    void aBrokenGgufFilePrintsItsMessageAlone() throws Exception {
        Path broken = tmp.resolve("broken.gguf");
        Files.write(broken, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, 1});
        assertThat(run("serve", "--model", broken.toString(), "--port", "0")).isEqualTo(1);
        assertThat(err()).startsWith("logprobs4j: ").doesNotContain("unexpected").doesNotContain("--verbose")
                .doesNotContain("GgufFormatException");
        assertThat(err().lines().count()).isEqualTo(1);
    }

    @Test
    void aPortInUseNamesTheFlag() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(run("serve", "--port", Integer.toString(taken.getLocalPort()))).isEqualTo(1);
            assertThat(err()).contains("--port").doesNotContain("port(...)").doesNotContain("\tat ");
        }
    }
}
