package dev.logprobs4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.logprobs4j.cli.internal.Backends;
import dev.logprobs4j.cli.internal.Io;
import dev.logprobs4j.cli.internal.Terminal;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score} and {@code chat} with {@code --context}, {@code --window} and {@code --stride} on the real stories260K model. */
class LongScoreTest {

    @TempDir
    Path tmp;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        Map<String, String> env = Map.of();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, new Terminal(false, false), new Backends(env));
        return Main.run(args, io);
    }

    static String story(int words) {
        StringBuilder s = new StringBuilder();
        String[] parts = {"Once upon a time, there was a little girl named Lily.", "She loved to play outside in the park.",
                "One day, she saw a big, red ball.", "Her mom said it was time to go home."};
        for (int i = 0; s.length() < words * 5; i++) {
            s.append(parts[i % parts.length]).append(' ');
        }
        return s.toString().strip();
    }

    @Test
    void aTextLongerThanTheContextRollsAndEveryTokenIsScoredWithBoundedContext() throws Exception {
        Path text = tmp.resolve("story.txt");
        Files.writeString(text, story(400));
        assertThat(run("score", text.toString(), "--context", "64", "--window", "48", "--stride", "16", "--json")).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        int scored = json.path("logprobs").path("content").size();
        assertThat(scored).isGreaterThan(3 * 48);
        assertThat(json.path("context_tokens")).hasSize(scored);
        assertThat(json.path("windows").asInt()).isEqualTo(1 + (scored - 48 + 15) / 16);
        for (int i = 0; i < scored; i++) {
            int context = json.path("context_tokens").get(i).asInt();
            assertThat(context).as("context of scored token %d", i).isEqualTo(i < 48 ? i + 1 : context).isBetween(Math.min(i + 1, 33), 48);
        }
    }

    @Test
    void aLongTextPrintsItsTableRowByRowThenTheSummary() throws Exception {
        Path text = tmp.resolve("long.txt");
        Files.writeString(text, story(3000));
        assertThat(run("score", text.toString(), "--top-logprobs", "1")).as(err.toString()).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).matches(" +#  token {20,}logprob    prob  top alternatives");
        int rows = lines.size() - 2;
        assertThat(rows).isGreaterThan(2_000);
        assertThat(lines.get(1)).matches(" +0  ·Once .*");
        assertThat(lines.get(lines.size() - 2)).startsWith((rows - 1) + "  ");
        assertThat(lines.get(lines.size() - 1)).startsWith("tokens " + rows + " · total logprob ");
    }

    @Test
    void contextFlagsAreCheckedAndNamedInErrors() throws Exception {
        assertThat(run("score", "--text", "Once upon a time", "--window", "1")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--window must be at least 2 tokens, was 1");
        err.reset();
        assertThat(run("score", "--text", "Once upon a time", "--window", "8", "--stride", "9")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--stride must be within [1, --window 8], was 9");
        err.reset();
        assertThat(run("score", "--text", "Once upon a time", "--context", "16", "--window", "32")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--window 32 does not fit in the context of 16 tokens: pass --context 32");
        err.reset();
        assertThat(run("chat", story(60), "--context", "16")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).containsPattern("the prompt has \\d+ tokens but the context holds 16: pass a larger --context")
                .doesNotContain("contextLength(");
    }
}
