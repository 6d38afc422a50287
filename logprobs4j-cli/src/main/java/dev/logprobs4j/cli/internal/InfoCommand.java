package dev.logprobs4j.cli.internal;

import dev.logprobs4j.engine.ModelInfo;
import dev.logprobs4j.gguf.GgufFile;
import dev.logprobs4j.gguf.GgufFormatException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code logprobs4j info FILE.gguf}: what a GGUF file holds and whether the local engine can run it. */
@Command(name = "info", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Will my file work? Show a GGUF file's architecture, parameter count, tensor types,",
                "context length, chat template and special tokens, and name every part the local engine",
                "does not support. Reads the header only: fast even for large files."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  logprobs4j info qwen2.5-0.5b-instruct-q4_k_m.gguf",
                "  logprobs4j info model.gguf > /dev/null && echo supported",
                "",
                "Exit codes: 0 the file is supported, 1 it is not (or cannot be read), 2 usage error."})
public final class InfoCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The GGUF file.")
    Path file;

    private final Io io;

    public InfoCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(file)) {
            throw new CliException("FILE " + file + " does not exist or is not a file");
        }
        ModelInfo info;
        try (GgufFile gguf = GgufFile.open(file)) {
            info = ModelInfo.of(gguf);
        } catch (GgufFormatException | UncheckedIOException e) {
            throw new CliException(e.getMessage(), e);
        }
        PrintStream out = io.out();
        out.println("file            " + file.getFileName());
        out.println("architecture    " + (info.architecture().isEmpty() ? "(general.architecture missing)" : info.architecture()));
        out.println("parameters      " + String.format(Locale.ROOT, "%,d", info.parameterCount()) + " ("
                + humanCount(info.parameterCount()) + ")");
        out.println("tensor types    " + info.tensorTypes().entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
        out.println("context length  " + (info.contextLength() < 0 ? "(not given)" : info.contextLength()));
        out.println("chat template   " + (info.chatTemplateFirstLine().isEmpty() ? "(none)" : info.chatTemplateFirstLine()));
        out.println("special tokens  " + (info.specialTokens().isEmpty() ? "(none)" : info.specialTokens().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
        if (info.supported()) {
            out.println("supported       yes, every part");
            return 0;
        }
        out.println("supported       no:");
        for (String part : info.unsupported()) {
            out.println("  - " + part);
        }
        return 1;
    }

    /** 1.24B, 494M, 292K. */
    static String humanCount(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.0fM", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.0fK", n / 1e3);
    }
}
