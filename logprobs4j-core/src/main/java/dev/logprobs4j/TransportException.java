package dev.logprobs4j;

/** A failure to reach the provider or to read its answer: connection refused or reset, a timeout, an interrupt. */
public class TransportException extends LogprobsException {

    private static final long serialVersionUID = 1L;
    private final boolean timeout;

    public TransportException(String message, boolean timeout, Throwable cause) {
        super(message, cause);
        this.timeout = timeout;
    }

    /** Whether a timeout caused it. */
    public boolean isTimeout() {
        return timeout;
    }
}
