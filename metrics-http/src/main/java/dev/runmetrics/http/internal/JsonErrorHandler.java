package dev.runmetrics.http.internal;

import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (a request it rejects before our handler sees it: a malformed URI, an
 * ambiguous path, headers too large) in the same JSON shape as ours, never with a stack trace.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        String text = HttpStatus.getMessage(code);
        String errorCode = code >= 500 ? "internal_error" : "bad_request";
        Reply reply = Reply.error(code, errorCode, code >= 500 ? "internal server error" : text.toLowerCase(), null,
                Map.of());
        JettyRoutes.write(reply, response, callback);
    }
}
