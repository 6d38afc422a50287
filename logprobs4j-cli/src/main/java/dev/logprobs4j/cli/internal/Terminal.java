package dev.logprobs4j.cli.internal;

import java.util.Map;

/**
 * Whether stdout and stderr are terminals: immutable. The launcher script knows exactly
 * ({@code [ -t 1 ]}, {@code [ -t 2 ]}) and passes it in {@code LOGPROBS4J_STDOUT_TTY} and
 * {@code LOGPROBS4J_STDERR_TTY}; started another way, the JVM's console decides for both (since
 * JDK 22 {@code System.console()} exists even when redirected, so {@code isTerminal()} is asked).
 */
public record Terminal(boolean stdout, boolean stderr) {

    /** The terminal this process runs in. */
    public static Terminal detect(Map<String, String> env) {
        java.io.Console console = System.console();
        boolean jvmSays = console != null && console.isTerminal();
        return new Terminal(flag(env.get("LOGPROBS4J_STDOUT_TTY"), jvmSays), flag(env.get("LOGPROBS4J_STDERR_TTY"), jvmSays));
    }

    private static boolean flag(String value, boolean fallback) {
        return value == null || value.isEmpty() ? fallback : value.equals("1");
    }
}
