package dev.logprobs4j.cli.internal;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * Everything a CLI run talks to: its streams, environment, terminal and how providers are opened.
 * Immutable; {@code Main} builds the real one, tests build their own.
 *
 * @param in       standard input (for {@code -})
 * @param out      standard output: answers, tables, JSON
 * @param err      standard error: progress, messages
 * @param env      environment variables
 * @param terminal whether stdout and stderr are terminals
 * @param backends how providers are opened
 */
public record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Terminal terminal,
                 Backend.Factory backends) {
}
