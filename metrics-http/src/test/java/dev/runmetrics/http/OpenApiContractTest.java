package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.memory.InMemoryResourceSampleStore;
import dev.runmetrics.core.time.ManualClock;
import dev.runmetrics.core.views.ResourceSampler;
import java.net.URI;
import java.time.Instant;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real responses of the running server, for every documented operation in its success and error
 * cases, conform to the served OpenAPI document as a JSON Schema validator reads it; every status
 * the document lists is really answered; and the check itself catches a planted field, a missing
 * property, an undocumented status and a missing header.
 */
class OpenApiContractTest {

    static final String ALLOWED_ORIGIN = "http://dashboard.test";
    /** A well-formed execution id no run has. */
    static final String UNKNOWN_RUN = "01890a5d-ac96-774b-bcce-b302099a8057";

    static World world;
    static World limited;
    static Api api;
    static OpenApiContract contract;
    static String queued;
    static final List<String> violations = new ArrayList<>();

    @BeforeAll
    static void start() {
        World.RunActionLog actions = new World.RunActionLog();
        world = new World(b -> b.noRateLimit().maxBodyBytes(4096).allowOrigins(ALLOWED_ORIGIN)
                .resumeHandler(OpenApiContractTest::scriptedResume).pause(actions::pause).cancel(actions::cancel),
                // Fixed CPU and memory, so that an unchanged overview has an unchanged ETag (304).
                v -> v.resourceSampler(new ResourceSampler(new ManualClock(World.START), 8, () -> 12.5, () -> 40))
                        .resourceSamples(keptSamples()),
                true);
        actions.allowed = world.running;
        api = world.api;
        queued = world.recorder.runQueued(WS_A, World.WORKFLOW, "Basic sequence", Map.of("mode", "queued"),
                Map.of("priority", 3));
        world.store.appendResumeAudit(WS_A, new ResumeAudit(WS_A, "audit-1", world.failed, "process", "operator-a",
                World.START, 1, ResumeOutcome.REFUSED, "step process is not failed"));
        world.store.appendResumeAudit(WS_A, new ResumeAudit(WS_A, "audit-2", world.failed, "process", "operator-a",
                World.START.plusSeconds(1), 2, ResumeOutcome.ACCEPTED, null));
        // Every shape of an entry: no step, an actor refused for its token, overrides given.
        world.store.appendControlAudit(WS_A, new ControlAudit(WS_A, "audit-3", world.failed, null,
                ControlAction.RESUME, ControlAudit.INVALID_TOKEN, World.START.plusSeconds(2), 0,
                ControlOutcome.UNAUTHENTICATED, "invalid token", null));
        world.store.appendControlAudit(WS_A, new ControlAudit(WS_A, "audit-4", world.failed, "process",
                ControlAction.RESUME, "operator-a", World.START.plusSeconds(3), 1, ControlOutcome.INVALID,
                "input overrides must be JSON-like", Map.of("limit", 5, "tags", java.util.List.of("a"))));
        world.store.appendControlAudit(WS_A, new ControlAudit(WS_A, "audit-5", world.failed, null,
                ControlAction.CANCEL, "operator-a", World.START.plusSeconds(4), 0, ControlOutcome.REFUSED,
                "execution is not running here", null));
        limited = new World(b -> b.rateLimit(1, 0.001));
        contract = OpenApiContract.of(api);
    }

    @AfterAll
    static void stop() {
        world.close();
        limited.close();
    }

    /** Two instances' samples of the minute before the start, one of them knowing nothing. */
    static InMemoryResourceSampleStore keptSamples() {
        InMemoryResourceSampleStore kept = new InMemoryResourceSampleStore();
        Instant minute = World.START.minusSeconds(60);
        kept.save(new ResourceSample(WS_A, "instance-1", minute, 31.5, 44.0, 2, 4, 3, 2, 8, 12.5, 1.75));
        kept.save(new ResourceSample(WS_A, "instance-2", minute, null, null, null, null, null, null, null, null,
                null));
        return kept;
    }

    /** Accepts a resume from "process"; any other step is refused with the reason it names. */
    static ResumeResult scriptedResume(String ws, String actor, String run, String step, Map<String, ?> overrides) {
        if (step.equals("process")) {
            return new ResumeResult.Accepted(run, step, 2);
        }
        ResumeResult.Reason reason;
        try {
            reason = ResumeResult.Reason.valueOf(step.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            reason = ResumeResult.Reason.STEP_NOT_FOUND;
        }
        return new ResumeResult.Refused(reason, "refused: " + reason, 1);
    }

    // ------------------------------------------------------------------ every operation, every case

    @Test
    void everyOperationAnswersAsDocumentedAndEveryDocumentedStatusIsReallyAnswered() throws Exception {
        for (OpenApiContract.Operation op : contract.operations()) {
            exercise(op);
        }
        for (OpenApiContract.Operation op : contract.operations()) {
            if (op.node().get("responses").has("429")) {
                String path = path(op, world.completed1);
                for (int i = 0; i < 2; i++) {
                    send(limited.api, limited.api.request(path, VIEWER_A).GET().build());
                }
            }
        }
        assertThat(violations).as("responses that break the document").isEmpty();
        Set<String> unseen = new TreeSet<>(contract.documentedStatuses());
        unseen.removeAll(contract.seenStatuses());
        assertThat(unseen).as("documented responses the server never gave").isEmpty();
    }

    private void exercise(OpenApiContract.Operation op) throws Exception {
        String key = op.key();
        boolean websocket = op.template().startsWith("/ws/");
        boolean post = op.method().equals("post");
        String path = path(op, post && key.endsWith("/resume") ? world.failed : post ? world.running : world.completed1);
        Map<String, String> bodies = Map.of(
                "resume", "{\"step_id\":\"process\",\"input_overrides\":{\"batch_size\":10,\"fail_step\":null}}",
                "pause", "{\"reason\":\"maintenance\"}",
                "cancel", "{}");
        String body = post ? bodies.get(path.substring(path.lastIndexOf('/') + 1)) : null;
        if (body != null) {
            assertThat(contract.checkRequestBody("POST", op.template(), body)).isEmpty();
        }

        // A GET that only operators may make (a step's full output) is read with an operator's token.
        boolean operatorOnly = !post && !websocket && op.node().get("responses").has("403");
        String reader = operatorOnly ? OPERATOR_A : VIEWER_A;
        if (websocket) {
            WebSocket ws = api.client.newWebSocketBuilder().header("Authorization", "Bearer " + VIEWER_A)
                    .header("X-Workspace-Id", WS_A).buildAsync(URI.create("ws://127.0.0.1:" + world.server.port()
                            + path), new WebSocket.Listener() { }).get(5, TimeUnit.SECONDS);
            ws.abort();
            contract.saw(key, 101);
            expect(400, get(path, VIEWER_A).build()); // a plain GET: websocket_required
            expect(403, get(path, VIEWER_A).header("Origin", "http://elsewhere.test").build());
        } else if (post) {
            expect(202, post(path, OPERATOR_A, body).build());
            expect(403, post(path, VIEWER_A, body).build());
            expect(415, post(path, OPERATOR_A, body).setHeader("Content-Type", "text/plain").build());
            expect(413, post(path, OPERATOR_A, "{\"reason\":\"" + "x".repeat(5000) + "\"}").build());
            expect(400, post(path, OPERATOR_A, "{\"step_id\":").build());
            if (key.endsWith("/resume")) {
                for (ResumeResult.Reason reason : ResumeResult.Reason.values()) {
                    expect(reason.httpStatus(), post(path, OPERATOR_A, "{\"step_id\":\""
                            + reason.name().toLowerCase(Locale.ROOT) + "\"}").build());
                }
                expect(400, post(path, OPERATOR_A, "{\"step_id\":\"process\",\"extra\":1}").build());
            } else {
                expect(404, post(path.replace(world.running, UNKNOWN_RUN), OPERATOR_A, body).build());
                expect(202, post(path, OPERATOR_A, null).build());
                expect(409, post(path.replace(world.running, world.completed1), OPERATOR_A, body).build());
            }
        } else {
            HttpResponse<String> ok = expect(200, get(path, reader).build());
            for (String variant : variants(op.template())) {
                expect(200, get(variant, reader).build());
            }
            String etag = ok.headers().firstValue("ETag").orElseThrow();
            expect(304, get(path, reader).header("If-None-Match", etag).build());
            expect(200, get(path, reader).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            if (op.template().contains("{execution_id}")) {
                expect(404, get(path.replace(world.completed1, UNKNOWN_RUN), reader).build());
                expect(400, get(path.replace(world.completed1, "not-a-uuid"), reader).build());
            }
            if (operatorOnly) {
                expect(403, get(path, VIEWER_A).build());
            }
            if (op.template().endsWith("/steps/{step_id}/output")) {
                expect(404, get(path.replace("/steps/process/", "/steps/no_such_step/"), reader).build());
                expect(404, get(path + "?attempt=2", reader).build());
                expect(400, get(path + "?attempt=0", reader).build());
            }
        }
        String token = post ? OPERATOR_A : reader;
        expect(400, request(post, path + (path.contains("?") ? "&" : "?") + "zz_unknown=1", token, body).build());
        if (op.node().get("security").size() > 0) {
            expect(401, request(post, path, null, body).build());
        }
        if (op.node().get("parameters").findValuesAsText("name").contains("X-Workspace-Id")) {
            expect(404, request(post, path, token, body).setHeader("X-Workspace-Id", "ws-nobody").build());
            expect(400, request(post, path, Api.MULTI, body).setHeader("X-Workspace-Id", " ").build());
        }
        // A method the path does not take, checked against the document (405 with Allow).
        send(api, api.request(path, OPERATOR_A).header("X-Workspace-Id", WS_A)
                .method(post ? "DELETE" : "PUT", HttpRequest.BodyPublishers.noBody()).build());
    }

    /** More successful requests of an operation, for bodies of other shapes. */
    private static List<String> variants(String template) {
        return switch (template) {
            case "/api/v1/statistics/execution-times" -> List.of(
                    "/api/v1/statistics/execution-times?workflow_id=basic_sequence&start_date=2026-01-15"
                            + "&end_date=2026-01-15",
                    "/api/v1/statistics/execution-times?start_date=2026-01-15T10:00:00Z&end_date=2026-01-15T10:30:00Z",
                    "/api/v1/statistics/execution-times?group_by=workflow&start_date=2026-01-15&end_date=2026-01-15",
                    "/api/v1/statistics/execution-times?group_by=workflow&status=completed"
                            + "&start_date=2026-01-15T10:00:00Z&end_date=2026-01-15T10:30:00Z",
                    "/api/v1/statistics/execution-times?workflow_id=basic_sequence&status=failed",
                    "/api/v1/statistics/execution-times?start_date=0001-01-01&end_date=9999-12-31");
            case "/api/v1/statistics/execution-times/trend" -> List.of(
                    "/api/v1/statistics/execution-times/trend?workflow_id=basic_sequence&start_date=2026-01-15"
                            + "&end_date=2026-01-15",
                    "/api/v1/statistics/execution-times/trend?bucket=hour&workflow_id=nothing-ran",
                    "/api/v1/statistics/execution-times/trend?bucket=day&start_date=0001-01-01&end_date=0001-01-02",
                    "/api/v1/statistics/execution-times/trend?start_date=9999-12-30");
            case "/api/v1/statistics/steps" -> List.of(
                    "/api/v1/statistics/steps?workflow_id=basic_sequence&start_date=2026-01-15&run_limit=1",
                    "/api/v1/statistics/steps?workflow_id=nothing-ran",
                    "/api/v1/statistics/steps?workflow_id=basic_sequence&start_date=0001-01-01&end_date=9999-12-31");
            case "/api/v1/resources" -> List.of("/api/v1/resources?timeframe=24h", "/api/v1/resources?timeframe=30d");
            case "/api/v1/execution-metrics" -> List.of("/api/v1/execution-metrics?timeframe=24h",
                    "/api/v1/execution-metrics?timeframe=7d", "/api/v1/execution-metrics?timeframe=30d");
            case "/api/workflows/{workflow_id}/executions" -> List.of(
                    "/api/workflows/basic_sequence/executions?status=failed&limit=1",
                    "/api/workflows/basic_sequence/executions?status=pending&skip=0&limit=100",
                    "/api/workflows/basic_sequence/executions?skip=2147483647",
                    "/api/workflows/nothing-ran/executions");
            case "/api/workflows/{workflow_id}/metrics" -> List.of("/api/workflows/nothing-ran/metrics");
            case "/api/workflows/executions/{execution_id}/steps/{step_id}/output" -> List.of(
                    "/api/workflows/executions/" + world.completed1 + "/steps/process/output?attempt=1",
                    "/api/workflows/executions/" + world.completed1 + "/steps/finalize/output",
                    "/api/workflows/executions/" + world.failed + "/steps/initialize/output");
            case "/api/workflows/executions/{execution_id}", "/api/workflows/executions/{execution_id}/timeline",
                    "/api/workflows/executions/{execution_id}/resume-audit" -> {
                List<String> out = new ArrayList<>();
                for (String run : List.of(world.failed, world.running, queued, world.completed2)) {
                    out.add(template.replace("{execution_id}", run));
                }
                yield out;
            }
            default -> List.of();
        };
    }

    private static String path(OpenApiContract.Operation op, String run) {
        StringBuilder path = new StringBuilder(op.template().replace("{workflow_id}", World.WORKFLOW)
                .replace("{execution_id}", run).replace("{step_id}", "process"));
        // A required query parameter (the workflow of the step statistics) gets the World's value.
        for (com.fasterxml.jackson.databind.JsonNode p : op.node().path("parameters")) {
            if (p.path("in").asText().equals("query") && p.path("required").asBoolean()) {
                path.append(path.indexOf("?") < 0 ? '?' : '&').append(p.get("name").asText()).append('=')
                        .append(p.get("name").asText().equals("workflow_id") ? World.WORKFLOW : "x");
            }
        }
        return path.toString();
    }

    private static HttpRequest.Builder request(boolean post, String path, String token, String body) {
        return post ? post(path, token, body) : get(path, token);
    }

    private static HttpRequest.Builder get(String path, String token) {
        return api.request(path, token).header("X-Workspace-Id", WS_A).GET();
    }

    private static HttpRequest.Builder post(String path, String token, String body) {
        HttpRequest.Builder b = api.request(path, token).header("X-Workspace-Id", WS_A);
        if (body == null) {
            return b.POST(HttpRequest.BodyPublishers.noBody());
        }
        return b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> expect(int status, HttpRequest request) {
        HttpResponse<String> r = send(api, request);
        if (r.statusCode() != status) {
            violations.add(request.method() + " " + request.uri() + ": expected " + status + ", was " + r.statusCode()
                    + " " + r.body());
        }
        return r;
    }

    private static HttpResponse<String> send(Api client, HttpRequest request) {
        HttpResponse<String> r = client.send(request);
        violations.addAll(contract.check(r));
        return r;
    }

    // ------------------------------------------------------------------ the check catches what it must

    @Test
    void aFieldTheDocumentDoesNotNameIsCaughtAtAnyDepth() throws Exception {
        HttpResponse<String> r = api.get("/api/workflows/executions/" + world.completed1, VIEWER_A, WS_A);
        assertThat(contract.check(r)).isEmpty();
        String path = r.request().uri().getRawPath();

        ObjectNode top = (ObjectNode) Api.JSON.readTree(r.body());
        top.put("planted", 1);
        assertThat(contract.check("GET", path, 200, r.headers().map(), top.toString()))
                .anySatisfy(v -> assertThat(v).contains("planted"));

        ObjectNode nested = (ObjectNode) Api.JSON.readTree(r.body());
        ((ObjectNode) nested.get("step_executions").get(0)).put("planted_too", "x");
        assertThat(contract.check("GET", path, 200, r.headers().map(), nested.toString()))
                .anySatisfy(v -> assertThat(v).contains("planted_too"));

        ObjectNode missing = (ObjectNode) Api.JSON.readTree(r.body());
        missing.remove("status");
        assertThat(contract.check("GET", path, 200, r.headers().map(), missing.toString()))
                .anySatisfy(v -> assertThat(v).contains("status"));

        ObjectNode wrongEnum = (ObjectNode) Api.JSON.readTree(r.body());
        wrongEnum.put("status", "exploded");
        assertThat(contract.check("GET", path, 200, r.headers().map(), wrongEnum.toString())).isNotEmpty();

        ObjectNode wrongFormat = (ObjectNode) Api.JSON.readTree(r.body());
        wrongFormat.put("created_at", "yesterday");
        assertThat(contract.check("GET", path, 200, r.headers().map(), wrongFormat.toString())).isNotEmpty();

        HttpResponse<String> error = api.get("/api/workflows/executions/" + UNKNOWN_RUN, VIEWER_A, WS_A);
        ObjectNode extraInError = (ObjectNode) Api.JSON.readTree(error.body());
        ((ObjectNode) extraInError.get("error")).put("stack", "at ...");
        assertThat(contract.check("GET", error.request().uri().getRawPath(), 404, error.headers().map(),
                extraInError.toString())).anySatisfy(v -> assertThat(v).contains("stack"));
    }

    @Test
    void aStatusTheDocumentDoesNotListForTheOperationIsCaught() {
        HttpResponse<String> health = api.get("/health", null);
        assertThat(contract.check(health)).isEmpty();
        assertThat(contract.check("GET", "/health", 401, health.headers().map(), "{\"error\":{\"code\":"
                + "\"unauthorized\",\"message\":\"m\",\"parameter\":null}}"))
                .anySatisfy(v -> assertThat(v).contains("not documented"));
        assertThat(contract.check("GET", "/health", 500, health.headers().map(), health.body())).isNotEmpty();
        assertThat(contract.check("POST", "/api/workflows/executions/" + world.failed + "/resume", 200,
                health.headers().map(), "{}")).anySatisfy(v -> assertThat(v).contains("not documented"));
        assertThat(contract.check("DELETE", "/health", 200, Map.of(), health.body()))
                .anySatisfy(v -> assertThat(v).contains("405"));
    }

    @Test
    void aDocumentedHeaderThatIsMissingIsCaught() {
        HttpResponse<String> r = api.get("/api/workflows/basic_sequence/metrics", VIEWER_A, WS_A);
        assertThat(contract.check(r)).isEmpty();
        Map<String, List<String>> withoutEtag = new HashMap<>(r.headers().map());
        withoutEtag.keySet().removeIf(h -> h.equalsIgnoreCase("ETag"));
        assertThat(contract.check("GET", r.request().uri().getRawPath(), 200, withoutEtag, r.body()))
                .anySatisfy(v -> assertThat(v).contains("ETag"));
        assertThat(contract.check("GET", "/metrics", 429, Map.of("Content-Type", List.of("application/json")),
                "{\"error\":{\"code\":\"rate_limited\",\"message\":\"m\",\"parameter\":null}}"))
                .anySatisfy(v -> assertThat(v).contains("Retry-After"));
    }

    @Test
    void aRequestBodyTheServerRefusesIsRefusedByItsSchemaToo() {
        String resume = "/api/workflows/executions/{execution_id}/resume";
        assertThat(contract.checkRequestBody("POST", resume, "{\"step_id\":\"process\"}")).isEmpty();
        assertThat(contract.checkRequestBody("POST", resume, "{\"step_id\":\"process\",\"x\":1}")).isNotEmpty();
        assertThat(contract.checkRequestBody("POST", resume, "{\"input_overrides\":{}}")).isNotEmpty();
        assertThat(contract.checkRequestBody("POST", resume, "{\"step_id\":\"\"}")).isNotEmpty();
        String pause = "/api/workflows/executions/{execution_id}/pause";
        assertThat(contract.checkRequestBody("POST", pause, "{\"reason\":null}")).isEmpty();
        assertThat(contract.checkRequestBody("POST", pause, "{\"reason\":\"" + "r".repeat(1001) + "\"}"))
                .isNotEmpty();
        HttpResponse<String> tooLong = api.post("/api/workflows/executions/" + world.running + "/pause", OPERATOR_A,
                WS_A, "{\"reason\":\"" + "r".repeat(1001) + "\"}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
    }

    @Test
    void recordBodiesAreDescribedFromTheRecordsAsTheWriterNamesThem() {
        JsonNode schemas = contract.document.get("components").get("schemas");
        assertThat(schemas.get("RunDetail").get("properties").has("step_executions")).isTrue();
        assertThat(schemas.get("RunDetail").get("additionalProperties").asBoolean(true)).isFalse();
        assertThat(schemas.get("LiveOverview").get("properties").has("periodStart")).isTrue();
        assertThat(schemas.get("RunStatus").get("enum").toString()).contains("\"completed\"", "\"timeout\"");
        // A component the record's constructor refuses null for is not nullable; one it allows is.
        assertThat(schemas.get("RunDetail").get("properties").get("created_at").get("type").asText())
                .isEqualTo("string");
        assertThat(schemas.get("RunDetail").get("properties").get("completed_at").get("type").toString())
                .isEqualTo("[\"string\",\"null\"]");
    }
}
