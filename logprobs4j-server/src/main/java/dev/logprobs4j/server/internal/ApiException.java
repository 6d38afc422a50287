package dev.logprobs4j.server.internal;

/**
 * A request the server answers with an OpenAI-shaped error: the HTTP status and the fields of
 * {@code {"error": {"message", "type", "param", "code"}}}. Immutable. The message goes to the
 * client, so it must never hold a stack trace or server internals.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final String retryAfterSeconds;
    private String allow;

    public ApiException(int status, String type, String param, String code, String message) {
        this(status, type, param, code, message, null);
    }

    public ApiException(int status, String type, String param, String code, String message, String retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** A 400 {@code invalid_request_error} about {@code param}. */
    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", param, code, message);
    }

    /** A 405 naming the method to use; the response carries it in {@code Allow}. */
    public static ApiException methodNotAllowed(String method, String allowed) {
        ApiException e = new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                "Method " + method + " is not allowed here; use " + allowed + ".");
        e.allow = allowed;
        return e;
    }

    /** The {@code Allow} header value of a 405, or {@code null}. */
    public String allow() {
        return allow;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** The {@code retry-after} header value, or {@code null}. */
    public String retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
