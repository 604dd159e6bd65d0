package dev.runmetrics.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The served OpenAPI document as a contract: finds the operation a request addressed and checks a
 * real response against it with a JSON Schema validator (networknt's, in its OpenAPI 3.1 dialect,
 * formats asserted): the status must be one the operation documents, its required headers must be
 * there, and the body must be valid against the documented schema (closed objects, so an extra
 * field is an error). A method the path does not take must get 405 with {@code Allow}. Records
 * every (operation, status) it saw, so a test can ask which documented ones it never saw.
 * Thread-safe.
 */
final class OpenApiContract {

    /** Where the document is said to live, so that its {@code #/components/...} references resolve. */
    private static final String BASE = "https://runmetrics.invalid/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

    final JsonNode document;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    OpenApiContract(String documentText) {
        try {
            this.document = Api.JSON.readTree(documentText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.registry = SchemaRegistry.withDialect(Dialects.getOpenApi31(), b -> b
                .schemas(Map.of(BASE, documentText))
                .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    }

    static OpenApiContract of(Api api) {
        HttpResponse<String> r = api.get("/openapi.json", null);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /openapi.json answered " + r.statusCode());
        }
        return new OpenApiContract(r.body());
    }

    /** A documented operation: its path template, method (lowercase) and operation object. */
    record Operation(String template, String method, JsonNode node) {
        String key() {
            return method.toUpperCase(Locale.ROOT) + " " + template;
        }
    }

    /** Every documented operation. */
    List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = document.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    out.add(new Operation(path.getKey(), op.getKey(), op.getValue()));
                }
            }
        }
        return out;
    }

    /** The documented template a raw path matches (literal segments first), or null. */
    String template(String rawPath) {
        String[] parts = rawPath.substring(1).split("/", -1);
        String best = null;
        String bestKey = null;
        for (Iterator<String> it = document.get("paths").fieldNames(); it.hasNext(); ) {
            String t = it.next();
            String[] segments = t.substring(1).split("/", -1);
            if (segments.length != parts.length) {
                continue;
            }
            StringBuilder key = new StringBuilder();
            boolean match = true;
            for (int i = 0; i < segments.length && match; i++) {
                boolean param = segments[i].startsWith("{");
                match = param ? !parts[i].isEmpty() : segments[i].equals(parts[i]);
                key.append(param ? '1' : '0');
            }
            if (match && (bestKey == null || key.toString().compareTo(bestKey) < 0)) {
                best = t;
                bestKey = key.toString();
            }
        }
        return best;
    }

    /** Every (operation, status) the document lists, as "GET /path 200". */
    Set<String> documentedStatuses() {
        Set<String> out = new TreeSet<>();
        for (Operation op : operations()) {
            op.node().get("responses").fieldNames().forEachRemaining(s -> out.add(op.key() + " " + s));
        }
        return out;
    }

    /** The (operation, status) pairs {@link #check} has seen conform. */
    Set<String> seenStatuses() {
        return new TreeSet<>(seen);
    }

    /** Counts an outcome seen without an HTTP response object (a WebSocket that connected: 101). */
    void saw(String operationKey, int status) {
        seen.add(operationKey + " " + status);
    }

    /** The violations of the contract by a real response; empty when it conforms. */
    List<String> check(HttpResponse<String> response) {
        String method = response.request().method();
        String rawPath = response.request().uri().getRawPath();
        return check(method, rawPath, response.statusCode(), response.headers().map(), response.body());
    }

    /**
     * The violations of the contract by a response, given by its parts (so that a test can plant
     * a field or a status in a real response and see it caught).
     */
    List<String> check(String method, String rawPath, int status, Map<String, List<String>> headers, String body) {
        List<String> problems = new ArrayList<>();
        String where = method + " " + rawPath + " -> " + status;
        if (status == 500) {
            problems.add(where + ": an internal error: " + body);
            return problems;
        }
        String template = template(rawPath);
        if (template == null) {
            if (status != 404) {
                problems.add(where + ": a path the document does not list must be 404");
            }
            if (!method.equals("HEAD")) {
                problems.addAll(validateJson(where, "#/components/schemas/Error", body));
            }
            return problems;
        }
        JsonNode pathItem = document.get("paths").get(template);
        // Methods are case-sensitive: "get" is not GET (and gets 405).
        String lookup = method.equals("HEAD") ? "get" : method.equals(method.toUpperCase(Locale.ROOT))
                ? method.toLowerCase(Locale.ROOT) : "";
        JsonNode op = pathItem.get(lookup);
        if (method.equals("OPTIONS")) {
            if (status != 204 || header(headers, "Allow") == null) {
                problems.add(where + ": OPTIONS must be 204 with Allow");
            }
            return problems;
        }
        if (op == null) {
            if (status != 405 || header(headers, "Allow") == null) {
                problems.add(where + ": a method the path does not take must be 405 with Allow");
            }
            if (!method.equals("HEAD")) {
                problems.addAll(validateJson(where, "#/components/schemas/Error", body));
            }
            return problems;
        }
        String key = lookup.toUpperCase(Locale.ROOT) + " " + template;
        JsonNode declared = op.get("responses").get(Integer.toString(status));
        if (declared == null) {
            problems.add(where + ": status " + status + " is not documented for " + key + " (documented: "
                    + fieldNames(op.get("responses")) + ")");
            return problems;
        }
        JsonNode response = resolve(declared);
        JsonNode declaredHeaders = response.get("headers");
        if (declaredHeaders != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = declaredHeaders.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> h = it.next();
                if (resolve(h.getValue()).path("required").asBoolean(false) && header(headers, h.getKey()) == null) {
                    problems.add(where + ": required header " + h.getKey() + " is missing");
                }
            }
        }
        JsonNode content = response.get("content");
        boolean bodyExpected = content != null && !method.equals("HEAD");
        if (!bodyExpected) {
            if (!method.equals("HEAD") && body != null && !body.isEmpty()) {
                problems.add(where + ": the document gives this response no body, but it has one: " + body);
            }
        } else {
            String type = header(headers, "Content-Type");
            String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            JsonNode media = content.get(mime);
            if (media == null) {
                problems.add(where + ": Content-Type " + type + " is not documented (documented: "
                        + fieldNames(content) + ")");
            } else if (mime.equals("application/json")) {
                JsonNode schema = media.get("schema");
                if (schema == null || !schema.has("$ref")) {
                    problems.add(where + ": the document's schema is not a named component: " + schema);
                } else {
                    problems.addAll(validateJson(where, schema.get("$ref").asText(), body));
                }
            }
        }
        if (problems.isEmpty()) {
            seen.add(key + " " + status);
        }
        return problems;
    }

    /** The violations of a request body the test means to be valid against the operation's request schema. */
    List<String> checkRequestBody(String method, String template, String body) {
        JsonNode op = document.get("paths").get(template).get(method.toLowerCase(Locale.ROOT));
        JsonNode schema = op.path("requestBody").path("content").path("application/json").path("schema");
        if (!schema.has("$ref")) {
            return List.of(method + " " + template + ": no named request body schema");
        }
        return validateJson(method + " " + template + " request", schema.get("$ref").asText(), body);
    }

    /** The violations of a JSON text against a component of the document. */
    List<String> validateJson(String where, String ref, String json) {
        Schema schema = schemas.computeIfAbsent(ref, r -> registry.getSchema(SchemaLocation.of(BASE + r)));
        List<Error> errors;
        try {
            Api.JSON.readTree(json);
            errors = schema.validate(json, InputFormat.JSON);
        } catch (IOException | RuntimeException e) {
            return List.of(where + ": the body is not JSON: " + json);
        }
        List<String> out = new ArrayList<>();
        for (Error e : errors) {
            out.add(where + ": " + e + " (against " + ref + ") in " + abbreviate(json));
        }
        return out;
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode n = node;
        while (n.has("$ref")) {
            n = document.at(n.get("$ref").asText().substring(1));
        }
        return n;
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String abbreviate(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "...";
    }
}
