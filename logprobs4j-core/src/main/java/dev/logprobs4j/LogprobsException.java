package dev.logprobs4j;

/**
 * The root of logprobs4j's unchecked exceptions: {@link TransportException} (the connection),
 * {@link ProviderException} (the provider answered with an error), {@link MalformedResponseException}
 * (bad data), {@link IncompleteStreamException} (a stream cut short) and
 * {@link UnsupportedCapabilityException} (asked for what the model cannot do).
 */
public class LogprobsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LogprobsException(String message) {
        super(message);
    }

    public LogprobsException(String message, Throwable cause) {
        super(message, cause);
    }
}
