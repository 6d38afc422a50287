package dev.logprobs4j.server.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (a malformed request line, a URI or headers too long, an unknown HTTP
 * version) as OpenAI error JSON instead of HTML pages, so clients parse every error the same way.
 * Thread-safe.
 */
public final class ErrorPages extends ErrorHandler {

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        byte[] body = OpenAiJson.error(of(code, message));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(OpenAiJson.error(of(status, reason)));
    }

    static ApiException of(int status, String reason) {
        String what = switch (status) {
            case 400 -> "The request is not valid HTTP/1.1";
            case 404 -> "Not found";
            case 408 -> "The request did not arrive in time";
            case 413 -> "The request is too large";
            case 414 -> "The request URI is too long";
            case 431 -> "The request headers are too large";
            case 505 -> "This HTTP version is not supported; use HTTP/1.1";
            default -> HttpStatus.getMessage(status);
        };
        String detail = reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status)) ? "" : " (" + reason + ")";
        String type = status >= 500 ? "server_error" : "invalid_request_error";
        return new ApiException(status, type, null, status >= 500 ? null : "invalid_request", what + detail + ".");
    }

}
