package dev.logprobs4j.cli.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes report files: stateless. */
final class Reports {

    private Reports() {
    }

    /** Writes {@code html} to {@code file} and says so on {@code err}. */
    static void write(Path file, String html, PrintStream err) {
        try {
            // The folder was checked before generating (Inputs.checkWritable); it is never created.
            Files.writeString(file, html, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot write the report to " + file + ": " + e, e);
        }
        err.println("report written to " + file.toAbsolutePath().normalize());
    }
}
