package dev.logprobs4j.http.internal;

import dev.logprobs4j.Capabilities;
import dev.logprobs4j.ChatOptions;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.http.HttpSettings;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;

/**
 * What every HTTP provider model holds and delegates to: its name, capabilities, settings and
 * transport. Public models are assembled from it (composition), so that none of them extends a
 * type of this package. Immutable and thread-safe.
 *
 * @param model        the model's name
 * @param capabilities what it can return
 * @param settings     how it reaches the server
 * @param transport    the transport built from the settings with the provider's error mapper and auth
 */
public record HttpModelCore(String model, Capabilities capabilities, HttpSettings settings, Transport transport) {

    /** {@code path} (without leading slash) below the base URL. */
    public URI resolve(String path) {
        return settings.baseUri().resolve(path);
    }

    /** The base URL. */
    public String baseUrl() {
        return settings.baseUrl();
    }

    /** The executor for async calls: the settings' one, or {@code fallback}. */
    public Executor executor(Executor fallback) {
        return settings.executor() != null ? settings.executor() : fallback;
    }

    /** {@code (set)} or {@code none}: how {@code toString} shows the key. */
    public String auth() {
        return settings.apiKey() == null ? "none" : "(set)";
    }

    /** {@code Type[model=..., baseUrl=..., auth=..., boundOptions=...]}: never the key itself. */
    public String describe(Object owner, String auth, ChatOptions bound) {
        return owner.getClass().getSimpleName() + "[model=" + model + ", baseUrl=" + settings.baseUrl() + ", auth=" + auth
                + ", boundOptions=" + bound + "]";
    }

    /**
     * Refuses {@code n > 1} for a server that generates one answer per call.
     *
     * @param message the exception's message, given {@code n}
     */
    public void requireSingleAnswer(ChatOptions options, IntFunction<String> message) {
        if (options.n() != null && options.n() > 1) {
            throw new UnsupportedCapabilityException("n", model, message.apply(options.n()));
        }
    }
}
