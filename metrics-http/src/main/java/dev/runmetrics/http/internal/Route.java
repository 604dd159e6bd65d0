package dev.runmetrics.http.internal;

import java.util.List;

/**
 * One entry of the route table: method and path template ({@code /api/workflows/{workflow_id}/metrics}),
 * who may call it, whether it is workspace-scoped, rate-limited or takes a JSON body, the handler,
 * and what the OpenAPI document says about it.
 */
public record Route(String method, String template, Access access, boolean workspaceScoped, boolean rateLimited,
        BodyKind body, Endpoint endpoint, Doc doc) {

    /** Who may call a route. */
    public enum Access { PUBLIC, VIEWER, OPERATOR }

    /** What body a route takes. */
    public enum BodyKind { NONE, OPTIONAL_JSON, REQUIRED_JSON }

    /** A handler: a plain function from the request context to a reply. */
    @FunctionalInterface
    public interface Endpoint {
        Reply handle(Exchange exchange);
    }

    /** A documented parameter: where it is ("path", "query", "header"), its name, type and meaning. */
    public record Param(String in, String name, String type, boolean required, String description) {}

    /** The OpenAPI description of a route. */
    public record Doc(String summary, String tag, List<Param> params, List<Integer> statuses, boolean websocket) {
        public Doc {
            params = List.copyOf(params);
            statuses = List.copyOf(statuses);
        }
    }

    public Route {
        segments(template); // validates
    }

    /** The template split into segments; a segment in braces is a parameter. */
    public static String[] segments(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("template must start with /: " + template);
        }
        return template.equals("/") ? new String[0] : template.substring(1).split("/", -1);
    }
}
