package dev.logprobs4j.openai.internal;

import dev.logprobs4j.ProviderException;
import dev.logprobs4j.UnsupportedCapabilityException;
import dev.logprobs4j.http.internal.Transport;
import java.util.Locale;

/**
 * How error answers of the OpenAI APIs become exceptions: the {@link Transport.ErrorMapper} of the
 * three OpenAI models. Stateless and thread-safe.
 */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    /**
     * The mapper for {@code model}: an OpenAI error object (or any other body, cut to 500 characters)
     * becomes a {@link ProviderException} whose message ends with {@link Transport#afterRetries}, and a
     * run-time refusal of logprobs an {@link UnsupportedCapabilityException} (see {@link #refusal}).
     */
    public static Transport.ErrorMapper mapper(String model) {
        return (status, body, retries) -> {
            ProviderException error = providerError(status, body, retries);
            UnsupportedCapabilityException refused = refusal(error, model);
            return refused != null ? refused : error;
        };
    }

    /** The provider's error for an answer with {@code status} and {@code body} (already scrubbed of the key). */
    static ProviderException providerError(int status, String body, int retries) {
        CompletionReader.ProviderError error = CompletionReader.readError(body);
        String suffix = Transport.afterRetries(retries);
        if (error != null) {
            String message = error.message() == null ? null : error.message() + suffix;
            return new ProviderException(status, error.type(), error.code(), error.param(), message, body);
        }
        String text = body.isBlank() ? "(empty body)" : body.strip();
        if (text.length() > 500) {
            text = text.substring(0, 500) + "...";
        }
        return new ProviderException(status, null, null, null, text + suffix, body);
    }

    /**
     * The provider's run-time refusal of logprobs as an {@link UnsupportedCapabilityException}, or
     * null when {@code e} is some other error. A refusal is a 400 whose message (or {@code param})
     * names {@code logprobs} or {@code top_logprobs} and says it is not supported, as DeepSeek's
     * reasoner answers ("deepseek-reasoner does not support the parameter `logprobs`"). Other 400s
     * about logprobs, such as OpenAI's "Invalid 'top_logprobs': integer above maximum value", stay
     * {@link ProviderException}s: the model has the capability, the value was wrong. The provider's
     * exception is the cause.
     */
    public static UnsupportedCapabilityException refusal(ProviderException e, String model) {
        if (e.status() != 400 || e.providerMessage() == null) {
            return null;
        }
        String text = e.providerMessage().toLowerCase(Locale.ROOT);
        String param = e.param() == null ? "" : e.param().toLowerCase(Locale.ROOT);
        boolean namesLogprobs = text.contains("logprobs") || param.contains("logprobs");
        boolean saysUnsupported = text.contains("not support") || text.contains("unsupported") || text.contains("not supported");
        if (!namesLogprobs || !saysUnsupported) {
            return null;
        }
        String capability = text.contains("top_logprobs") && !text.replace("top_logprobs", "").contains("logprobs")
                || param.equals("top_logprobs") ? "top_logprobs" : "logprobs";
        UnsupportedCapabilityException u = new UnsupportedCapabilityException(capability, model,
                model + " refused " + capability + " at run time (HTTP 400): " + e.providerMessage()
                        + "; remove logprobs(true)/topLogprobs(...) for this model, or give it capabilities without logprobs",
                e.providerMessage());
        u.initCause(e);
        return u;
    }
}
