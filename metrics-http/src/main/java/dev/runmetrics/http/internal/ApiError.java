package dev.runmetrics.http.internal;

import java.util.Map;

/**
 * A request that cannot be answered as asked: carries the HTTP status and the JSON error body's
 * {@code code}, {@code message} and {@code parameter}. Thrown by handlers and the pipeline, turned
 * into a response by {@link Dispatcher}; never carries a stack trace to the client.
 */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String parameter;
    private final Map<String, String> headers;

    public ApiError(int status, String code, String message, String parameter) {
        this(status, code, message, parameter, Map.of());
    }

    public ApiError(int status, String code, String message, String parameter, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.parameter = parameter;
        this.headers = Map.copyOf(headers);
    }

    public static ApiError badParameter(String parameter, String message) {
        return new ApiError(400, "invalid_parameter", message, parameter);
    }

    public static ApiError notFound(String what, String parameter) {
        return new ApiError(404, "not_found", what + " not found", parameter);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String parameter() {
        return parameter;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
