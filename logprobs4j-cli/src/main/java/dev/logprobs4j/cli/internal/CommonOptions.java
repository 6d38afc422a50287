package dev.logprobs4j.cli.internal;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every subcommand has (a picocli mixin). */
public final class CommonOptions {

    @Option(names = "--top-logprobs", paramLabel = "N", defaultValue = "3",
            description = "Alternatives to show per token, 0..20. Default: ${DEFAULT-VALUE}.")
    int topLogprobs;

    @Option(names = "--json", description = "Print only JSON to stdout (OpenAI's response shape); nothing else goes to stdout.")
    boolean json;

    @Option(names = "--html", paramLabel = "REPORT.html",
            description = "Also write a self-contained HTML heatmap report to this file.")
    Path html;

    @Option(names = "--no-color", description = "No colours (also off when stdout is not a terminal or NO_COLOR is set).")
    boolean noColor;

    @Option(names = "--threads", paramLabel = "N", description = "Threads of the local engine. Default: all cores.")
    Integer threads;

    @Option(names = "--exact", description = "Local engine: float activations for quantised weights (exact mode) instead of "
            + "llama.cpp's 8-bit activations; slower, closest to the stored model. Default: the engine's (see README).")
    boolean exact;

    @Option(names = "--context", paramLabel = "N",
            description = {"Tokens the local model's context holds (prompt and answer; the KV cache). Default: the context",
                    "the model was trained with, capped so one sequence's KV cache takes at most an eighth of the heap."})
    Integer context;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of errors.")
    boolean verbose;
}
