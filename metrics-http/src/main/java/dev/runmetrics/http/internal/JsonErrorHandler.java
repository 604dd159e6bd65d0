package dev.runmetrics.http.internal;

import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a request it rejects before our handler sees it: a malformed URI, an
 * ambiguous path, headers too large, an HTTP version it does not speak) in the same JSON shape as
 * ours, never with a stack trace. The error code is the status's reason phrase in snake case
 * ({@code http_version_not_supported}, {@code request_header_fields_too_large}), so a protocol
 * error is never mistaken for a fault of the server; only a real 500 says {@code internal_error}.
 * Each says {@code Connection: close}, since Jetty does not keep such a connection.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        // Jetty closes the connection after a request it refused (a malformed URI, say): say so, or a
        // keep-alive client sends its next request into the closing connection and loses it.
        Reply reply = Reply.error(code, errorCode(code), code == 500 ? "internal server error"
                : HttpStatus.getMessage(code).toLowerCase(Locale.ROOT), null, Map.of("Connection", "close"));
        JettyRoutes.write(reply, response, callback);
    }

    /** The JSON error code of a status Jetty answers by itself. */
    static String errorCode(int status) {
        if (status == 500) {
            return "internal_error";
        }
        String phrase = HttpStatus.getMessage(status);
        return phrase == null || phrase.isBlank() ? "http_" + status
                : phrase.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }
}
