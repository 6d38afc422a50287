package dev.logprobs4j.cli.internal;

import dev.logprobs4j.JsonConfidence;
import dev.logprobs4j.Logprobs;
import dev.logprobs4j.TokenLogprob;
import dev.logprobs4j.local.ScoreOptions;
import dev.logprobs4j.local.ScoreTotals;
import dev.logprobs4j.local.ScoredToken;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code logprobs4j score}: the logprob of every token of a given text, each given the ones before it. */
@Command(name = "score", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Score a given text with the local model: the logprob of every token given the ones",
                "before it (prompt logprobs), with a token table, the total logprob and the perplexity."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  logprobs4j score --text \"Once upon a time, there was a little girl.\"",
                "  logprobs4j score story.txt --top-logprobs 5 --html story.html",
                "  logprobs4j score --text '{\"name\": \"Zoë\", \"age\": 7}' --json-fields",
                "  echo \"The cat sat on the mat.\" | logprobs4j score - --json | jq .perplexity",
                "  logprobs4j score --model my-model.gguf notes.txt --no-color | tail -1",
                "  logprobs4j score book.txt --window 512 --stride 256 > book-tokens.txt   # any length, rolling windows",
                "",
                "Exit codes: 0 ok, 1 model or input error, 2 usage error."})
public final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The text file to score (UTF-8); - reads stdin.")
    String file;

    @Option(names = "--text", paramLabel = "TEXT", description = "Score this text instead of a file.")
    String text;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "A GGUF file. Default: stories260K.gguf in shared/models beside the repository.")
    String model;

    @Option(names = "--window", paramLabel = "N",
            description = {"Score with at most N tokens of context per token, in rolling windows (a text longer than",
                    "the window rolls). Default: the context (--context)."})
    Integer window;

    @Option(names = "--stride", paramLabel = "S",
            description = {"Tokens each rolling window moves on; every token is still scored once, with at least",
                    "N - S + 1 tokens of context. Smaller is more context and slower. Default: half the window."})
    Integer stride;

    @Option(names = "--json-fields", description = "Also show the confidence of every key and value of a JSON text (a table; a tree in --html).")
    boolean jsonFields;

    @Mixin
    CommonOptions common;

    /** Texts with more tokens than this print their table row by row as they are scored, in fixed-width columns. */
    static final int STREAM_ABOVE = 2_000;

    private final Io io;

    public ScoreCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if ((file == null) == (text == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the text to score either as FILE (or - for stdin) or with --text, not " + (file == null ? "neither" : "both"));
        }
        if (common.topLogprobs < 0 || common.topLogprobs > 20) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--top-logprobs must be within [0, 20], was " + common.topLogprobs);
        }
        if (window != null && window < 2) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--window must be at least 2 tokens, was " + window);
        }
        if (stride != null && (stride < 1 || (window != null && stride > window))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--stride must be within [1, "
                    + (window != null ? "--window " + window : "the window") + "], was " + stride);
        }
        Inputs.atLeastOne(spec.commandLine(), "--threads", common.threads);
        Inputs.checkWritable(spec.commandLine(), common.html);
        String input = text != null ? text : read(file);
        if (input.isEmpty()) {
            throw new CliException("nothing to score: the text is empty");
        }
        ScoreOptions options = new ScoreOptions(common.topLogprobs, window == null ? 0 : window, stride == null ? 0 : stride);
        AnsiColors colors = AnsiColors.detect(io.env(), io.terminal().stdout(), common.noColor);
        PrintStream out = io.out();
        try (Backend backend = io.backends().open(new Backend.Spec("local", model, null, null, common.threads, common.exact, common.context,
                ModelPaths.repoRoot(io.env()), io.terminal().stderr() ? io.err() : null))) {
            Printer printer = new Printer(out, colors, io.terminal().stderr() && !io.terminal().stdout() ? new ScoreProgressBar(io.err()) : null);
            ScoreTotals totals = backend.score(input, options, printer);
            printer.finish(totals, backend.modelName(), input);
        }
        return 0;
    }

    /**
     * Prints a scoring run as it goes: a text of up to {@link #STREAM_ABOVE} tokens is collected and
     * printed as one fitted table (and is what --json and --html need); a longer one prints each
     * row as it is scored and keeps only a running summary, so memory stays bounded (--json,
     * --html and --json-fields need every token, so they always collect).
     */
    private final class Printer implements Backend.ScoreSink {
        private final PrintStream out;
        private final AnsiColors colors;
        private final ScoreProgressBar progress;
        private final List<TokenLogprob> collected = new ArrayList<>();
        private final List<Integer> contexts = new ArrayList<>();
        private final Summary.Running running = new Summary.Running();
        private TokenTable.Layout streaming;
        private List<String> unscored = List.of();
        private long done;

        Printer(PrintStream out, AnsiColors colors, ScoreProgressBar progress) {
            this.out = out;
            this.colors = colors;
            this.progress = progress;
        }

        @Override
        public void start(int tokens, List<String> unscoredStart) {
            unscored = List.copyOf(unscoredStart);
            if (progress != null) {
                progress.start(tokens);
            }
            if (!common.json && common.html == null && !jsonFields && tokens > STREAM_ABOVE) {
                printUnscored();
                streaming = TokenTable.streaming(unscored.size() + tokens - 1, common.topLogprobs > 0);
                out.println(TokenTable.header(streaming, colors));
            }
        }

        @Override
        public void accept(ScoredToken token) {
            done++;
            if (progress != null) {
                progress.update(done);
            }
            if (streaming != null) {
                out.println(TokenTable.row(streaming, unscored.size() + (int) done - 1, token.logprob(), colors));
                running.add(token.logprob());
            } else {
                collected.add(token.logprob());
                contexts.add(token.context());
            }
        }

        void finish(ScoreTotals totals, String modelName, String input) throws IOException {
            if (progress != null) {
                progress.finish();
            }
            int offset = unscored.size();
            Logprobs scored = Logprobs.of(collected);
            if (common.json) {
                Map<String, Object> json = OpenAiJson.score(modelName, input, unscored, scored);
                json.put("context_tokens", contexts);
                json.put("windows", totals.windows());
                out.println(OpenAiJson.write(json));
            } else if (streaming != null) {
                out.println(running.line(colors, offset) + windows(totals));
            } else {
                printUnscored();
                out.print(TokenTable.render(scored, colors, offset));
                out.println(Summary.line(scored, colors, offset) + windows(totals));
                if (jsonFields) {
                    out.println();
                    out.print(JsonFieldsTable.render(JsonConfidence.of(scored.content()), colors));
                }
            }
            out.flush();
            if (common.html != null) {
                Reports.write(common.html, HtmlReport.render(new HtmlReport.Input("score", modelName, null, unscored, scored, null,
                        jsonFields ? JsonConfidence.of(scored.content()) : null)), io.err());
            }
        }

        private String windows(ScoreTotals totals) {
            return totals.windows() > 1 ? colors.dim(" · " + totals.windows() + " rolling windows, each token with at least "
                    + totals.minRolledContext() + " tokens of context after the first") : "";
        }

        private void printUnscored() {
            if (!unscored.isEmpty()) {
                StringBuilder first = new StringBuilder();
                for (String t : unscored) {
                    first.append(TokenText.visible(t));
                }
                out.println(colors.dim("unscored (nothing before it to predict it from): " + first));
            }
        }
    }

    private String read(String name) throws IOException {
        return name.equals("-") ? Inputs.stdin(io.in()) : Inputs.file(name);
    }
}
