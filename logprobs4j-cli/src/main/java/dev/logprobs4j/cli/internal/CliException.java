package dev.logprobs4j.cli.internal;

/** A failure the CLI reports as one line on stderr with exit code 1 (no stack trace unless {@code --verbose}). */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
