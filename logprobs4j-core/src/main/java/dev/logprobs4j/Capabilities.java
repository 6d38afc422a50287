package dev.logprobs4j;

/**
 * What a model can return, said in code so callers need not find out by failure: immutable.
 *
 * @param logprobs          returns per-token logprobs of generated text
 * @param maxTopLogprobs    the most alternatives per position it returns (0 when none)
 * @param streamingLogprobs returns logprobs while streaming too
 * @param promptLogprobs    can score a given text (logprobs of prompt tokens)
 */
public record Capabilities(boolean logprobs, int maxTopLogprobs, boolean streamingLogprobs, boolean promptLogprobs) {

    /** A model that returns no logprobs at all. */
    public static final Capabilities NONE = new Capabilities(false, 0, false, false);

    public Capabilities {
        if (maxTopLogprobs < 0) {
            throw new IllegalArgumentException("maxTopLogprobs must be >= 0, was " + maxTopLogprobs);
        }
        if (!logprobs && (maxTopLogprobs > 0 || streamingLogprobs)) {
            throw new IllegalArgumentException("a model without logprobs cannot have top logprobs or streaming logprobs");
        }
    }

    /**
     * Checks that {@code options} ask only for what this model can do.
     *
     * @param model     the model's name, for the message
     * @param streaming whether the call streams
     * @throws UnsupportedCapabilityException before any network call when they ask for more
     */
    public void check(String model, ChatOptions options, boolean streaming) {
        if (!options.wantsLogprobs()) {
            return;
        }
        if (!logprobs) {
            throw new UnsupportedCapabilityException("logprobs", model,
                    model + " does not return logprobs; remove logprobs(true) or choose a provider that has them (see capabilities())");
        }
        if (streaming && !streamingLogprobs) {
            throw new UnsupportedCapabilityException("streaming logprobs", model,
                    model + " returns logprobs only without streaming; call invoke(...) instead of stream(...)");
        }
        if (options.topLogprobs() != null && options.topLogprobs() > maxTopLogprobs) {
            throw new UnsupportedCapabilityException("top_logprobs", model,
                    model + " returns at most " + maxTopLogprobs + " top logprobs per token; topLogprobs("
                            + options.topLogprobs() + ") asks for more");
        }
    }
}
