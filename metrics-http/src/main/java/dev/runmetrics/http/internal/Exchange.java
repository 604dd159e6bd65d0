package dev.runmetrics.http.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The small context a handler sees: the matched path parameters, the query, the headers, the
 * parsed JSON body (if the route takes one), and who asked in which workspace. One per request,
 * used by one thread.
 */
public final class Exchange {

    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, List<String>> query;
    private final Function<String, String> headers;
    private final Principal principal;
    private final String workspaceId;
    private final ObjectNode body;
    private Object upgrade;

    Exchange(String method, String path, Map<String, String> pathParams, Map<String, List<String>> query,
            Function<String, String> headers, Principal principal, String workspaceId, ObjectNode body) {
        this.method = method;
        this.path = path;
        this.pathParams = pathParams;
        this.query = query;
        this.headers = headers;
        this.principal = principal;
        this.workspaceId = workspaceId;
        this.body = body;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** The raw (decoded) value of a path parameter of the route. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /**
     * A query parameter's value, or null if absent.
     *
     * @throws ApiError 400 if it was given more than once
     */
    public String query(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiError.badParameter(name, name + " was given " + values.size() + " times; give it once");
        }
        return values.get(0);
    }

    public Map<String, List<String>> queryParams() {
        return query;
    }

    public String header(String name) {
        return headers.apply(name);
    }

    /** The authenticated caller, or null on a public route. */
    public Principal principal() {
        return principal;
    }

    /** The workspace the request is about, or null on a route that is not workspace-scoped. */
    public String workspaceId() {
        return workspaceId;
    }

    /** The JSON object body, or null if the route takes none or none was sent. */
    public ObjectNode body() {
        return body;
    }

    /** Asks the adapter to upgrade this request to a WebSocket with the given subscription. */
    public void upgradeTo(Object subscription) {
        this.upgrade = subscription;
    }

    public Object upgrade() {
        return upgrade;
    }
}
