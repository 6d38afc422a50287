package dev.logprobs4j.cli.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
                "  echo \"The cat sat on the mat.\" | logprobs4j score - --json | jq .perplexity",
                "  logprobs4j score --model my-model.gguf notes.txt --no-color | tail -1",
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

    @Mixin
    CommonOptions common;

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
        Inputs.atLeastOne(spec.commandLine(), "--threads", common.threads);
        Inputs.checkWritable(spec.commandLine(), common.html);
        String input = text != null ? text : read(file);
        if (input.isEmpty()) {
            throw new CliException("nothing to score: the text is empty");
        }
        AnsiColors colors = AnsiColors.detect(io.env(), io.terminal().stdout(), common.noColor);
        PrintStream out = io.out();
        try (Backend backend = io.backends().open(new Backend.Spec("local", model, null, null, common.threads,
                ModelPaths.repoRoot(io.env()), io.terminal().stderr() ? io.err() : null))) {
            Backend.Scored scored = backend.score(input, common.topLogprobs);
            int offset = scored.unscored().size();
            if (common.json) {
                out.println(OpenAiJson.write(OpenAiJson.score(backend.modelName(), input, scored.unscored(), scored.scored())));
            } else {
                if (offset > 0) {
                    StringBuilder first = new StringBuilder();
                    for (String t : scored.unscored()) {
                        first.append(TokenText.visible(t));
                    }
                    out.println(colors.dim("unscored (nothing before it to predict it from): " + first));
                }
                out.print(TokenTable.render(scored.scored(), colors, offset));
                out.println(Summary.line(scored.scored(), colors, offset));
            }
            out.flush();
            if (common.html != null) {
                Reports.write(common.html, HtmlReport.render(new HtmlReport.Input("score", backend.modelName(), null,
                        scored.unscored(), scored.scored(), null)), io.err());
            }
        }
        return 0;
    }

    private String read(String name) throws IOException {
        return name.equals("-") ? Inputs.stdin(io.in()) : Inputs.file(name);
    }
}
