package dev.runmetrics.http.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds the OpenAPI 3.1 document from the route table itself, so that a route cannot be added
 * without its documentation (every {@link Route} carries its {@link Route.Doc}, and
 * {@link OpenApiSchemas} refuses a route whose bodies it does not describe). WebSocket routes are
 * documented as {@code GET} with a {@code 101} response.
 *
 * <p>3.1 rather than 3.0.3 because its schemas are plain JSON Schema 2020-12 (nullable is
 * {@code "type": ["string", "null"]}), which standard validators check as they are.
 *
 * <p>A route's responses are the statuses its {@link Route.Doc} lists (what its handler answers)
 * together with those the request pipeline answers for any route of its kind: 400 for an unknown
 * query parameter (every route), 304 for a conditional {@code GET}, 401 unless public, 400 and 404
 * for the workspace of a workspace-scoped route, 403 for an operator route or a WebSocket from an
 * origin not allowed, 429 when rate-limited, 400/413/415 for a JSON body. Methods a path does not
 * take (405 with {@code Allow}), {@code HEAD} and {@code OPTIONS} are answered for every path, and
 * said so once in the description, not per operation.
 */
public final class OpenApi {

    private OpenApi() {}

    public static Map<String, Object> document(List<Route> routes, String version) {
        OpenApiSchemas schemas = new OpenApiSchemas();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Json.map("title", "runmetrics HTTP API", "version", version, "description",
                "Execution statistics, run history, live events and resume for workflow runs.\n\n"
                        + "Every path also answers HEAD where it answers GET (same status and headers, no body) and "
                        + "OPTIONS (204 with the path's methods in Allow); any other method gets 405 with Allow and "
                        + "an Error body. A request whose body does not arrive within the server's body timeout gets "
                        + "408 (code request_timeout) with Connection: close, on any path that takes a body. Any "
                        + "path that reads the run store answers 503 (code store_unavailable, with Retry-After) while "
                        + "the store is unavailable. Every error is an Error body; no client input gets a 5xx."));
        doc.put("servers", List.of(Json.map("url", "/", "description", "This server (where the document was read; "
                + "when the API is mounted under a context path, that path)")));
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        Set<String> tags = new TreeSet<>();
        for (Route r : routes) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("summary", r.doc().summary());
            op.put("tags", List.of(r.doc().tag()));
            tags.add(r.doc().tag());
            op.put("operationId", operationId(r));
            List<Object> params = new ArrayList<>();
            for (Route.Param p : r.doc().params()) {
                params.add(Json.map("name", p.name(), "in", p.in(), "required", p.required() || p.in().equals("path"),
                        "description", p.description(), "schema", schemas.parameter(p)));
            }
            if (r.workspaceScoped()) {
                params.add(Json.map("name", "X-Workspace-Id", "in", "header", "required", false, "description",
                        "The workspace (or X-Workspace-Slug); optional when the token has exactly one.", "schema",
                        schemas.parameter(new Route.Param("header", "workspace_id", "string", false, ""))));
                params.add(Json.map("name", "X-Workspace-Slug", "in", "header", "required", false, "description",
                        "The workspace by its configured slug.", "schema",
                        schemas.parameter(new Route.Param("header", "workspace_slug", "string", false, ""))));
            }
            if (conditional(r)) {
                params.add(Json.map("$ref", "#/components/parameters/IfNoneMatch"));
            }
            op.put("parameters", params);
            Map<String, Object> request = schemas.requestBody(r);
            if (request != null) {
                op.put("requestBody", Json.map("required", r.body() == Route.BodyKind.REQUIRED_JSON, "content",
                        Json.map(Reply.JSON, Json.map("schema", request))));
            }
            op.put("responses", responses(r, schemas));
            op.put("security", r.access() == Route.Access.PUBLIC ? List.of() : List.of(Json.map("bearer", List.of())));
            paths.computeIfAbsent(r.template(), k -> new LinkedHashMap<>()).put(r.method().toLowerCase(Locale.ROOT), op);
        }
        doc.put("tags", tags.stream().map(t -> Json.map("name", t, "description", tagDescription(t))).toList());
        doc.put("paths", paths);
        schemas.error();
        Map<String, Object> errorResponses = new LinkedHashMap<>();
        for (int status : OpenApiSchemas.ERROR_CODES.keySet()) {
            errorResponses.put(responseName(status), errorResponse(status));
        }
        errorResponses.put(responseName(304), Json.map("description", "Not modified: the answer still has the ETag "
                + "given in If-None-Match; no body.", "headers", Json.map("ETag", header("ETag"), "Cache-Control",
                header("CacheControl"))));
        doc.put("components", Json.map(
                "securitySchemes", Json.map("bearer", Json.map("type", "http", "scheme", "bearer", "description",
                        "A token configured in the server; on WebSocket routes also ?token=")),
                "schemas", schemas.components(),
                "responses", errorResponses,
                "parameters", Json.map("IfNoneMatch", Json.map("name", "If-None-Match", "in", "header", "required",
                        false, "description", "An ETag of an earlier answer: 304 without a body if it is unchanged.",
                        "schema", Json.map("type", "string"))),
                "headers", Json.map(
                        "ETag", Json.map("description", "A digest of the body, for If-None-Match.", "required", true,
                                "schema", Json.map("type", "string")),
                        "CacheControl", Json.map("description", "private, no-cache: keep it, but revalidate.",
                                "required", true, "schema", Json.map("type", "string")),
                        "RetryAfter", Json.map("description", "Whole seconds until a request is allowed again.",
                                "required", true, "schema", Json.map("type", "integer", "minimum", 1)),
                        "WwwAuthenticate", Json.map("description", "The scheme to authenticate with.", "required", true,
                                "schema", Json.map("type", "string", "enum", List.of("Bearer"))),
                        "Location", Json.map("description", "The execution the resume continues.", "required", true,
                                "schema", Json.map("type", "string", "format", "uri-reference")))));
        return doc;
    }

    /** Whether the route answers 304 to If-None-Match: its successful GET is given an ETag. */
    private static boolean conditional(Route r) {
        return r.method().equals("GET") && !r.doc().websocket();
    }

    private static Map<String, Object> responses(Route r, OpenApiSchemas schemas) {
        Set<Integer> statuses = new TreeSet<>(r.doc().statuses());
        statuses.add(400);
        if (conditional(r)) {
            statuses.add(304);
        }
        if (r.access() != Route.Access.PUBLIC) {
            statuses.add(401);
        }
        if (r.workspaceScoped()) {
            statuses.add(404);
        }
        if (r.access() == Route.Access.OPERATOR || r.doc().websocket()) {
            statuses.add(403);
        }
        if (r.rateLimited()) {
            statuses.add(429);
        }
        if (r.body() != Route.BodyKind.NONE) {
            statuses.add(413);
            statuses.add(415);
        }
        Map<String, Object> responses = new LinkedHashMap<>();
        for (int status : statuses) {
            if (status < 300) {
                Map<String, Object> ok = new LinkedHashMap<>();
                ok.put("description", describe(status));
                Map<String, Object> headers = new LinkedHashMap<>();
                if (conditional(r)) {
                    headers.put("ETag", header("ETag"));
                    headers.put("Cache-Control", header("CacheControl"));
                }
                if (status == 202 && r.template().endsWith("/resume")) {
                    headers.put("Location", header("Location"));
                }
                if (!headers.isEmpty()) {
                    ok.put("headers", headers);
                }
                Map<String, Object> content = schemas.successContent(r);
                if (content != null) {
                    ok.put("content", content);
                }
                responses.put(Integer.toString(status), ok);
            } else {
                if (status != 304 && !OpenApiSchemas.ERROR_CODES.containsKey(status)) {
                    throw new IllegalStateException("no error codes known for status " + status + " of " + r.template());
                }
                responses.put(Integer.toString(status), Json.map("$ref", "#/components/responses/"
                        + responseName(status)));
            }
        }
        return responses;
    }

    private static Map<String, Object> header(String name) {
        return Json.map("$ref", "#/components/headers/" + name);
    }

    private static Map<String, Object> errorResponse(int status) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("description", describe(status) + ". Codes: " + String.join(", ",
                OpenApiSchemas.ERROR_CODES.get(status)) + ".");
        if (status == 401) {
            response.put("headers", Json.map("WWW-Authenticate", header("WwwAuthenticate")));
        } else if (status == 429) {
            response.put("headers", Json.map("Retry-After", header("RetryAfter")));
        }
        response.put("content", Json.map(Reply.JSON, Json.map("schema", OpenApiSchemas.ref("Error"))));
        return response;
    }

    /** The name of the shared response of an error status in components.responses. */
    static String responseName(int status) {
        return switch (status) {
            case 304 -> "NotModified";
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 413 -> "PayloadTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "UnprocessableContent";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> "Status" + status;
        };
    }

    private static String tagDescription(String tag) {
        return switch (tag) {
            case "meta" -> "Liveness, the caller, this document and the Prometheus exposition.";
            case "statistics" -> "Execution-time statistics, the live overview and node metrics.";
            case "workflows" -> "Workflows, their summaries and their executions.";
            case "executions" -> "One execution: detail, timeline, resume audit, and resume, pause and cancel.";
            case "events" -> "WebSocket streams of run and step events and of the live overview.";
            default -> tag;
        };
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
            case 101 -> "Switching Protocols: the WebSocket stream (its messages are listed in metrics-http/README.md)";
            case 200 -> "OK";
            case 202 -> "Accepted";
            case 400 -> "Bad request: the error names the parameter";
            case 401 -> "No or invalid bearer token";
            case 403 -> "The token's role may not do this, or the WebSocket's Origin is not allowed";
            case 404 -> "Not found (also another workspace's resource, or a workspace the token may not use)";
            case 409 -> "Conflict with the run's state or another request";
            case 413 -> "Request body too large";
            case 415 -> "Content-Type must be application/json";
            case 422 -> "The step or run cannot be resumed";
            case 429 -> "Rate limited; see Retry-After";
            case 503 -> "The run store is unavailable (code store_unavailable); see Retry-After";
            default -> "HTTP " + status;
        };
    }
}
