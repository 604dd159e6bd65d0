package dev.runmetrics.http.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the OpenAPI 3.0 document from the route table itself, so that a route cannot be added
 * without its documentation (every {@link Route} carries its {@link Route.Doc}). WebSocket routes
 * are documented as {@code GET} with a {@code 101} response.
 */
public final class OpenApi {

    private OpenApi() {}

    public static Map<String, Object> document(List<Route> routes, String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.0.3");
        doc.put("info", Json.map("title", "runmetrics HTTP API", "version", version, "description",
                "Execution statistics, run history, live events and resume for workflow runs."));
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        for (Route r : routes) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("summary", r.doc().summary());
            op.put("tags", List.of(r.doc().tag()));
            op.put("operationId", operationId(r));
            List<Object> params = new ArrayList<>();
            for (Route.Param p : r.doc().params()) {
                params.add(Json.map("name", p.name(), "in", p.in(), "required", p.required() || p.in().equals("path"),
                        "description", p.description(), "schema", Json.map("type", p.type())));
            }
            if (r.workspaceScoped()) {
                params.add(Json.map("name", "X-Workspace-Id", "in", "header", "required", false, "description",
                        "The workspace (or X-Workspace-Slug); optional when the token has exactly one.", "schema",
                        Json.map("type", "string")));
                params.add(Json.map("name", "X-Workspace-Slug", "in", "header", "required", false, "description",
                        "The workspace by its configured slug.", "schema", Json.map("type", "string")));
            }
            op.put("parameters", params);
            if (r.body() != Route.BodyKind.NONE) {
                op.put("requestBody", Json.map("required", r.body() == Route.BodyKind.REQUIRED_JSON, "content",
                        Json.map("application/json", Json.map("schema", Json.map("type", "object")))));
            }
            Map<String, Object> responses = new LinkedHashMap<>();
            for (int status : r.doc().statuses()) {
                responses.put(Integer.toString(status), Json.map("description", describe(status)));
            }
            op.put("responses", responses);
            op.put("security", r.access() == Route.Access.PUBLIC ? List.of() : List.of(Json.map("bearer", List.of())));
            paths.computeIfAbsent(r.template(), k -> new LinkedHashMap<>()).put(r.method().toLowerCase(Locale.ROOT), op);
        }
        doc.put("paths", paths);
        doc.put("components", Json.map("securitySchemes", Json.map("bearer", Json.map("type", "http", "scheme",
                "bearer")), "schemas", Json.map("Error", Json.map("type", "object", "properties", Json.map("error",
                Json.map("type", "object", "properties", Json.map("code", Json.map("type", "string"), "message",
                Json.map("type", "string"), "parameter", Json.map("type", "string", "nullable", true))))))));
        return doc;
    }

    private static String operationId(Route r) {
        StringBuilder id = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
        for (String s : Route.segments(r.template())) {
            String clean = s.replaceAll("[^A-Za-z0-9]", " ").strip();
            for (String w : clean.split(" +")) {
                if (!w.isEmpty()) {
                    id.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
                }
            }
        }
        return id.toString();
    }

    private static String describe(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols: the WebSocket stream";
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad request: the error names the parameter";
            case 401 -> "No or invalid bearer token";
            case 403 -> "The token's role may not do this";
            case 404 -> "Not found (also another workspace's resource)";
            case 408 -> "The request body did not arrive in time; the connection is closed";
            case 409 -> "Conflict with the run's state or another request";
            case 413 -> "Request body too large";
            case 415 -> "Content-Type must be application/json";
            case 422 -> "The step cannot be resumed";
            case 429 -> "Rate limited; see Retry-After";
            default -> "HTTP " + status;
        };
    }
}
