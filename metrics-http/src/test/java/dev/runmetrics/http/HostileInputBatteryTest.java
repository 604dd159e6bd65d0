package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.control.ResumeResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A battery generated from the served OpenAPI document, read at test time so that a new route is
 * covered without anyone remembering to: every operation, each parameter it documents (path,
 * query, header) in turn set to boundary and hostile values (the schema's own bounds and enums,
 * the first and last representable dates and beyond, huge, negative and non-numbers, empty,
 * blanks, unicode, control characters, overlong strings, repeated parameters), each body property
 * of a JSON body set to every wrong type, malformed bodies and media types; and every method on
 * every path. Every answer is below 500, every 4xx carries a JSON error (valid against the
 * document's Error schema), and every answer the API gives to a documented operation is one the
 * document lists for it, with a body valid against its schema (Jetty's own refusals of a
 * malformed URI, which never reach the routes, are told apart by their code).
 */
class HostileInputBatteryTest {

    static World world;
    static Api api;
    static OpenApiContract contract;

    @BeforeAll
    static void start() {
        World.RunActionLog actions = new World.RunActionLog();
        world = new World(b -> b.noRateLimit().maxBodyBytes(4096)
                .resumeHandler((ws, actor, run, step, o) -> new ResumeResult.Accepted(run, step, 2))
                .pause(actions::pause).cancel(actions::cancel));
        actions.allowed = world.running;
        api = world.api;
        contract = OpenApiContract.of(api);
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    /** A request to send and what it is, for the failure message. */
    record Probe(String description, HttpRequest request) {}

    // ------------------------------------------------------------------ values

    static final List<String> COMMON = List.of("", " ", "  x  ", "null", "true", "[]", "{}", "0", "-1", "1.5", "1e309",
            "-1e309", "NaN", "Infinity", "0x10", "+1", "１", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "99999999999999999999999999", "2147483648", "-2147483649", "日本語", "é", "😀",
            "\u202e\u0645", "\u0000", "\u0007", "\t", "\n", "%", "%00", "%zz", ".", "..", "../../etc/passwd", "a/b",
            "a\\b", "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:ldap://x}", "\uFEFFx", "\uD800",
            "x".repeat(201), "x".repeat(5000));

    static final List<String> DATES = List.of("0001-01-01", "9999-12-31", "0000-12-31", "10000-01-01", "1970-01-01",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-29", "2024-02-29",
            "2026-01-01T25:00:00Z", "2026-01-15T10:00:00", "2026-01-15T10:00:00.123456789+05:30",
            "2026-01-15T10:00:00+18:00", "2026-01-15T10:00:00+19:00", "2026-01-15t10:00:00z", "2026-1-5");

    /** The values a parameter is tried with: the common ones and those its schema suggests. */
    static List<String> values(JsonNode schema) {
        List<String> out = new ArrayList<>(COMMON);
        if (schema.has("minimum")) {
            long min = schema.get("minimum").asLong();
            out.addAll(List.of(Long.toString(min - 1), Long.toString(min), " " + min, min + " "));
        }
        if (schema.has("maximum")) {
            long max = schema.get("maximum").asLong();
            out.addAll(List.of(Long.toString(max), Long.toString(max + 1), max + ".0", max + "e0"));
        }
        if (schema.has("enum")) {
            for (JsonNode v : schema.get("enum")) {
                out.addAll(List.of(v.asText(), v.asText().toUpperCase(Locale.ROOT), " " + v.asText() + " ",
                        v.asText() + "x", v.asText() + "\u0000"));
            }
        }
        if (schema.has("maxLength")) {
            int max = schema.get("maxLength").asInt();
            out.addAll(List.of("x".repeat(max), "x".repeat(max + 1), "é".repeat(max), "😀".repeat(max)));
        }
        if (schema.has("pattern") && schema.get("pattern").asText().contains("[0-9]{4}-")) {
            out.addAll(DATES);
        }
        if ("uuid".equals(schema.path("format").asText())) {
            out.addAll(List.of(world.completed1.toUpperCase(Locale.ROOT), world.completed1 + "0",
                    world.completed1.substring(1), "00000000-0000-0000-0000-000000000000",
                    "ffffffff-ffff-7fff-bfff-ffffffffffff", "01890a5d-ac96-474b-bcce-b302099a8057"));
        }
        return out;
    }

    // ------------------------------------------------------------------ per operation

    @TestFactory
    Stream<DynamicTest> everyParameterAndBodyOfEveryDocumentedOperationIsAnsweredBelow500() {
        List<OpenApiContract.Operation> ops = contract.operations();
        assertThat(ops).hasSizeGreaterThanOrEqualTo(19);
        return ops.stream().map(op -> DynamicTest.dynamicTest(op.key(), () -> {
            List<Probe> probes = probes(op);
            assertThat(probes).as("probes of " + op.key()).hasSizeGreaterThan(40);
            assertThat(failures(probes)).as("answers to " + op.key() + " that break the rules").isEmpty();
        }));
    }

    private static List<Probe> probes(OpenApiContract.Operation op) {
        List<Probe> probes = new ArrayList<>();
        Map<String, JsonNode> params = new LinkedHashMap<>();
        for (JsonNode p : op.node().get("parameters")) {
            JsonNode param = p.has("$ref") ? contract.document.at(p.get("$ref").asText().substring(1)) : p;
            params.put(param.get("in").asText() + ":" + param.get("name").asText(), param);
        }
        boolean post = op.method().equals("post");
        String body = post ? validBody(op) : null;
        for (Map.Entry<String, JsonNode> e : params.entrySet()) {
            JsonNode param = e.getValue();
            String in = param.get("in").asText();
            String name = param.get("name").asText();
            for (String value : values(param.get("schema"))) {
                Map<String, String> query = new TreeMap<>();
                Map<String, String> headers = new TreeMap<>();
                headers.put("X-Workspace-Id", WS_A);
                String path = validPath(op);
                switch (in) {
                    case "path" -> path = op.template().replace("{" + name + "}", encodePath(value));
                    case "query" -> query.put(name, value);
                    default -> headers.put(name, value);
                }
                for (String p : List.of("workflow_id", "execution_id", "step_id")) {
                    path = path.replace("{" + p + "}", validValue(op, p));
                }
                add(probes, op, in + " " + name + "=" + printable(value), path, query, headers, body, null);
            }
            if (in.equals("query")) {
                String twice = name + "=a&" + name + "=b";
                add(probes, op, "query " + name + " twice", validPath(op) + "?" + twice, Map.of(),
                        Map.of("X-Workspace-Id", WS_A), body, null);
            }
        }
        for (String auth : List.of("", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer " + "t".repeat(2000),
                "Bearer " + VIEWER_A + "x", "bearer " + VIEWER_A, "Bearer  " + OPERATOR_A + " ", "Bearer é")) {
            add(probes, op, "Authorization: " + printable(auth), validPath(op), Map.of(),
                    Map.of("X-Workspace-Id", WS_A, "Authorization", auth), body, null);
        }
        if (post) {
            for (Map.Entry<String, String> b : hostileBodies(op).entrySet()) {
                add(probes, op, "body " + printable(b.getKey()), validPath(op), Map.of(),
                        Map.of("X-Workspace-Id", WS_A), b.getValue(), "application/json");
            }
            for (String type : List.of("text/plain", "application/json; charset=latin1", "application/jsonx",
                    "application/json-patch+json", "multipart/form-data; boundary=x", "", ";;;", "application/json;"
                    + "x".repeat(3000))) {
                add(probes, op, "Content-Type " + printable(type), validPath(op), Map.of(),
                        Map.of("X-Workspace-Id", WS_A), body, type);
            }
        }
        return probes;
    }

    /** Builds a probe, or counts it out when the HTTP client itself refuses the request (an illegal header). */
    private static void add(List<Probe> probes, OpenApiContract.Operation op, String description, String path,
            Map<String, String> query, Map<String, String> headers, String body, String contentType) {
        StringBuilder uri = new StringBuilder(path);
        char sep = path.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> q : query.entrySet()) {
            uri.append(sep).append(URLEncoder.encode(q.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        boolean post = op.method().equals("post");
        String token = post ? OPERATOR_A : VIEWER_A;
        try {
            HttpRequest.Builder b = api.request(uri.toString(), headers.containsKey("Authorization") ? null : token);
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (!h.getValue().isEmpty()) {
                    b.setHeader(h.getKey(), h.getValue());
                }
            }
            if (post) {
                String type = contentType != null ? contentType : "application/json";
                if (!type.isEmpty()) {
                    b.setHeader("Content-Type", type);
                }
                b.POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
            } else {
                b.GET();
            }
            probes.add(new Probe(op.key() + " with " + description, b.build()));
        } catch (IllegalArgumentException refusedByTheClient) {
            // java.net.http will not send this header value (a control character or a non-ASCII
            // byte); the raw-socket tests below send such bytes.
        }
    }

    private static String validPath(OpenApiContract.Operation op) {
        String path = op.template();
        for (String p : List.of("workflow_id", "execution_id", "step_id")) {
            path = path.replace("{" + p + "}", validValue(op, p));
        }
        return path;
    }

    private static String validValue(OpenApiContract.Operation op, String name) {
        return switch (name) {
            case "workflow_id" -> World.WORKFLOW;
            case "step_id" -> "process";
            default -> op.template().endsWith("/resume") ? world.failed
                    : op.method().equals("post") ? world.running : world.completed1;
        };
    }

    /** A valid body of the operation: every property of its request schema with a plausible value. */
    private static String validBody(OpenApiContract.Operation op) {
        JsonNode schema = requestSchema(op);
        if (schema == null) {
            return null;
        }
        return schema.path("required").size() > 0 ? "{\"step_id\":\"process\"}" : "{}";
    }

    private static JsonNode requestSchema(OpenApiContract.Operation op) {
        JsonNode s = op.node().path("requestBody").path("content").path("application/json").path("schema");
        return s.has("$ref") ? contract.document.at(s.get("$ref").asText().substring(1)) : null;
    }

    /** Bodies with each property of the request schema set to every wrong type, and malformed bodies. */
    private static Map<String, String> hostileBodies(OpenApiContract.Operation op) {
        Map<String, String> bodies = new LinkedHashMap<>();
        JsonNode schema = requestSchema(op);
        List<String> values = List.of("1", "-1", "1e308", "1e999999", "-0", "true", "null", "[]", "{}", "\"\"",
                "\" \"", "\"" + "x".repeat(201) + "\"", "\"" + "x".repeat(3000) + "\"", "\"日本語\"", "\"\\u0000\"",
                "\"\\ud800\"", "[" + "[".repeat(40) + "]".repeat(41), "{\"a\":" .repeat(40) + "1" + "}".repeat(40));
        if (schema != null) {
            String required = schema.path("required").size() > 0 ? "\"step_id\":\"process\"," : "";
            for (Iterator<String> it = schema.get("properties").fieldNames(); it.hasNext(); ) {
                String property = it.next();
                for (String v : values) {
                    String prefix = property.equals("step_id") ? "" : required;
                    bodies.put(property + "=" + v, "{" + prefix + "\"" + property + "\":" + v + "}");
                }
                bodies.put(property + " twice", "{" + required + "\"" + property + "\":null,\"" + property
                        + "\":null}");
            }
            bodies.put("an unknown property", "{" + required + "\"planted\":1}");
            bodies.put("no property", "{}");
        }
        for (String b : List.of("", " ", "null", "[]", "\"s\"", "1", "{", "}", "{\"step_id\"", "{'step_id':'x'}",
                "\uFEFF{}", "{}{}", "{} x", "{\"\\u0000\":1}", "{\"step_id\":\"process\",}")) {
            bodies.put("malformed " + b, b);
        }
        return bodies;
    }

    // ------------------------------------------------------------------ every method, pairs of dates

    @Test
    void everyMethodOnEveryDocumentedPathIsAnsweredBelow500() throws IOException {
        List<Probe> probes = new ArrayList<>();
        List<String> rawFailures = new ArrayList<>();
        Set<String> templates = new java.util.TreeSet<>();
        contract.document.get("paths").fieldNames().forEachRemaining(templates::add);
        for (String template : templates) {
            OpenApiContract.Operation any = contract.operations().stream()
                    .filter(o -> o.template().equals(template)).findFirst().orElseThrow();
            String path = validPath(any);
            for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "QUERY",
                    "PROPFIND", "MKCOL", "FOO", "get")) {
                probes.add(new Probe(method + " " + path, api.request(path, OPERATOR_A).header("X-Workspace-Id", WS_A)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString("{}")).build()));
            }
            // Methods java.net.http will not send, and bytes it will not put in a header, over a socket.
            for (String method : List.of("TRACE", "CONNECT")) {
                rawFailures.addAll(raw(method + " " + path + " HTTP/1.1\r\nHost: x\r\n"));
            }
            rawFailures.addAll(raw("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u00ff\u0001\r\n"
                    + "X-Workspace-Id: ws-\u00e9\u0000\r\n"));
        }
        rawFailures.addAll(raw("OPTIONS * HTTP/1.1\r\nHost: x\r\n"));
        rawFailures.addAll(raw("GET /api/v1/statistics/execution-times?start_date=%ff%fe HTTP/1.1\r\nHost: x\r\n"
                + "Authorization: Bearer " + VIEWER_A + "\r\n"));
        assertThat(probes).hasSizeGreaterThan(200);
        assertThat(failures(probes)).as("answers that break the rules").isEmpty();
        assertThat(rawFailures).as("raw requests answered 5xx or without a JSON error").isEmpty();
    }

    @Test
    void everyPairOfBoundaryDatesOfTheStatisticsIsAnsweredBelow500() {
        List<Probe> probes = new ArrayList<>();
        List<String> dates = new ArrayList<>(DATES);
        dates.add(null);
        for (String start : dates) {
            for (String end : dates) {
                StringBuilder q = new StringBuilder("/api/v1/statistics/execution-times?workflow_id=basic_sequence");
                if (start != null) {
                    q.append("&start_date=").append(URLEncoder.encode(start, StandardCharsets.UTF_8));
                }
                if (end != null) {
                    q.append("&end_date=").append(URLEncoder.encode(end, StandardCharsets.UTF_8));
                }
                probes.add(new Probe("statistics " + start + " .. " + end, api.request(q.toString(), VIEWER_A)
                        .header("X-Workspace-Id", WS_A).GET().build()));
            }
        }
        assertThat(failures(probes)).as("answers that break the rules").isEmpty();
        HttpResponse<String> all = api.get("/api/v1/statistics/execution-times?start_date=0001-01-01"
                + "&end_date=9999-12-31", VIEWER_A, WS_A);
        assertThat(all.statusCode()).isEqualTo(200);
        JsonNode body = Api.json(all);
        assertThat(body.get("count").asLong()).isEqualTo(3);
        assertThat(body.get("end_date").asText()).isEqualTo("9999-12-31T23:59:59.999999999Z");
        HttpResponse<String> beyond = api.get("/api/v1/statistics/execution-times?end_date="
                + URLEncoder.encode("+10000-01-01T00:00:00Z", StandardCharsets.UTF_8), VIEWER_A, WS_A);
        assertThat(beyond.statusCode()).isEqualTo(400);
        assertThat(Api.json(beyond).get("error").get("parameter").asText()).isEqualTo("end_date");
        assertThat(Api.json(beyond).get("error").get("message").asText()).contains("0001-01-01", "9999-12-31");
    }

    // ------------------------------------------------------------------ the rules

    /** The probes whose answers break the rules, each with why. */
    private static List<String> failures(List<Probe> probes) {
        List<String> failures = new ArrayList<>();
        for (Probe probe : probes) {
            HttpResponse<String> r;
            try {
                r = api.send(probe.request());
            } catch (java.io.UncheckedIOException e) {
                failures.add(probe.description() + ": no answer: " + e.getCause());
                continue;
            }
            String where = probe.description() + " -> " + r.statusCode();
            if (r.statusCode() >= 500) {
                failures.add(where + " " + r.body());
                continue;
            }
            boolean head = probe.request().method().equals("HEAD");
            if (r.statusCode() >= 400 && !head) {
                failures.addAll(contract.validateJson(where, "#/components/schemas/Error", r.body()));
            }
            if (!jettysOwn(r)) {
                failures.addAll(contract.check(r));
            }
        }
        return failures;
    }

    /**
     * Whether the answer is one Jetty gave before routing (a malformed or ambiguous URI): its code
     * is the status's reason phrase, which no route of the API uses.
     */
    private static boolean jettysOwn(HttpResponse<String> r) {
        if (r.statusCode() < 400 || r.body().isEmpty()) {
            return false;
        }
        try {
            String code = Api.JSON.readTree(r.body()).path("error").path("code").asText();
            String phrase = HttpStatus.getMessage(r.statusCode()).toLowerCase(Locale.ROOT)
                    .replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
            return code.equals(phrase);
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends raw bytes (ISO-8859-1) and checks the answer: below 500, and a 4xx has a JSON error body. */
    private static List<String> raw(String head) throws IOException {
        try (Socket s = new Socket("127.0.0.1", world.server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            String where = printable(head.lines().findFirst().orElse(head));
            if (!response.startsWith("HTTP/1.1 ")) {
                return List.of(where + ": no HTTP answer: " + printable(response));
            }
            int status = Integer.parseInt(response.substring(9, 12));
            if (status >= 500) {
                return List.of(where + " -> " + status + ": " + response);
            }
            int bodyStart = response.indexOf("\r\n\r\n");
            String body = bodyStart < 0 ? "" : response.substring(bodyStart + 4);
            if (body.contains("\r\n") && response.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            if (status >= 400 && !head.startsWith("HEAD")) {
                return contract.validateJson(where + " -> " + status, "#/components/schemas/Error", body);
            }
            return List.of();
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(i, eol).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, eol + 2, Math.min(chunked.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    /** Percent-encodes a value as one path segment (a slash too). */
    private static String encodePath(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 60; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 60 ? out + "...(" + s.length() + ")" : out.toString();
    }
}
