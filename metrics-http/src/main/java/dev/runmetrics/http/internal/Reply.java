package dev.runmetrics.http.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response as a plain value: status, content type, body bytes and extra headers. Handlers return
 * it; the Jetty adapter writes it. Keeping it server-neutral is what lets the handlers be mounted
 * anywhere and tested without a socket.
 */
public record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json";

    public Reply {
        headers = Map.copyOf(headers);
    }

    public static Reply json(int status, Object value) {
        return new Reply(status, JSON, Json.bytes(value), Map.of());
    }

    /** A record written with snake_case property names (the run endpoints' case). */
    public static Reply snake(int status, Object value) {
        return new Reply(status, JSON, Json.snakeBytes(value), Map.of());
    }

    public static Reply jsonText(int status, String json) {
        return new Reply(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Reply text(int status, String contentType, String text) {
        return new Reply(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static Reply error(ApiError e) {
        return error(e.status(), e.code(), e.getMessage(), e.parameter(), e.headers());
    }

    public static Reply error(int status, String code, String message, String parameter, Map<String, String> headers) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("parameter", parameter);
        return new Reply(status, JSON, Json.bytes(Map.of("error", error)), headers);
    }

    public Reply withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Reply(status, contentType, body, h);
    }
}
