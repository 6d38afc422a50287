package dev.logprobs4j;

/**
 * A request for something the model cannot return (logprobs from a provider without them, more
 * top logprobs than it gives, ...). Raised before any network call when {@link Capabilities} tell,
 * or from the provider's own refusal (then {@link #providerMessage()} holds its words).
 */
public class UnsupportedCapabilityException extends LogprobsException {

    private static final long serialVersionUID = 1L;
    private final String capability;
    private final String model;
    private final String providerMessage;

    public UnsupportedCapabilityException(String capability, String model, String message) {
        this(capability, model, message, null);
    }

    public UnsupportedCapabilityException(String capability, String model, String message, String providerMessage) {
        super(message);
        this.capability = capability;
        this.model = model;
        this.providerMessage = providerMessage;
    }

    /** The capability asked for: {@code logprobs}, {@code top_logprobs}, {@code streaming logprobs}, ... */
    public String capability() {
        return capability;
    }

    /** The model asked. */
    public String model() {
        return model;
    }

    /** The provider's message when the provider refused at run time, else {@code null}. */
    public String providerMessage() {
        return providerMessage;
    }
}
