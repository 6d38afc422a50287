package dev.logprobs4j;

/**
 * An error answer from the provider: the HTTP status and the provider's error object
 * ({@code type}, {@code code}, {@code param}, {@code message}), plus the body as received. The API
 * key is never part of it.
 */
public class ProviderException extends LogprobsException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final String providerMessage;
    private final String body;
    private final transient AIMessageChunk partial;
    private final int chunksReceived;

    public ProviderException(int status, String type, String code, String param, String providerMessage, String body) {
        this(status, type, code, param, providerMessage, body, null, 0);
    }

    private ProviderException(int status, String type, String code, String param, String providerMessage, String body,
                              AIMessageChunk partial, int chunksReceived) {
        super(describe(status, type, code, param, providerMessage));
        this.partial = partial == null ? AIMessageChunk.empty() : partial;
        this.chunksReceived = chunksReceived;
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.providerMessage = providerMessage;
        this.body = body;
    }

    private static String describe(int status, String type, String code, String param, String message) {
        StringBuilder s = new StringBuilder("provider answered HTTP ").append(status);
        if (type != null) {
            s.append(" (").append(type);
            if (code != null) {
                s.append(", code ").append(code);
            }
            s.append(')');
        } else if (code != null) {
            s.append(" (code ").append(code).append(')');
        }
        if (param != null) {
            s.append(" about '").append(param).append('\'');
        }
        s.append(": ").append(message == null || message.isBlank() ? "no message" : message);
        return s.toString();
    }

    /** The same error, carrying what a stream had received before it (an error event mid-stream). */
    public ProviderException withPartial(AIMessageChunk partial, int chunksReceived) {
        ProviderException copy = new ProviderException(status, type, code, param, providerMessage, body, partial, chunksReceived);
        copy.initCause(getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** The chunks a stream received before the error, added up ({@link AIMessageChunk#empty()} outside streams). */
    public AIMessageChunk partial() {
        return partial;
    }

    /** How many chunks a stream received before the error. */
    public int chunksReceived() {
        return chunksReceived;
    }

    /** The HTTP status (0 when the error came inside a stream). */
    public int status() {
        return status;
    }

    /** The provider's error type (e.g. {@code invalid_request_error}), or {@code null}. */
    public String type() {
        return type;
    }

    /** The provider's error code (e.g. {@code rate_limit_exceeded}), or {@code null}. */
    public String code() {
        return code;
    }

    /** The request field the error is about, or {@code null}. */
    public String param() {
        return param;
    }

    /** The provider's own message, or {@code null}. */
    public String providerMessage() {
        return providerMessage;
    }

    /** The error body as received, or {@code null}. */
    public String body() {
        return body;
    }
}
