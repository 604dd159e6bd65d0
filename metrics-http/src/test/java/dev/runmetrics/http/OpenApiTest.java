package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.control.RunAction;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists exactly the routes the server answers, and each one answers. */
class OpenApiTest {

    static final Set<String> EXPECTED = Set.of(
            "GET /health",
            "GET /openapi.json",
            "GET /api/v1/me",
            "GET /metrics",
            "GET /api/v1/statistics/execution-times",
            "GET /api/v1/statistics/execution-times/trend",
            "GET /api/v1/statistics/steps",
            "GET /api/v1/execution-metrics",
            "GET /api/v1/node-metrics",
            "GET /api/v1/resources",
            "GET /api/workflows",
            "GET /api/workflows/{workflow_id}/metrics",
            "GET /api/workflows/{workflow_id}/executions",
            "GET /api/workflows/executions/{execution_id}",
            "GET /api/workflows/executions/{execution_id}/timeline",
            "GET /api/workflows/executions/{execution_id}/resume-audit",
            "GET /api/workflows/executions/{execution_id}/steps/{step_id}/output",
            "POST /api/workflows/executions/{execution_id}/resume",
            "POST /api/workflows/executions/{execution_id}/pause",
            "POST /api/workflows/executions/{execution_id}/cancel",
            "GET /ws/workflows/{workflow_id}",
            "GET /ws/workflows/{workflow_id}/step/{step_id}",
            "GET /ws/executions");

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        World.RunActionLog actions = new World.RunActionLog();
        world = World.withResume((ws, actor, run, step, o) -> new ResumeResult.Accepted(run, step, 2), actions);
        actions.allowed = world.running;
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    private static JsonNode document() {
        HttpResponse<String> r = api.get("/openapi.json", null);
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r);
    }

    @Test
    void theDocumentIsOpenApi3WithBearerAuth() {
        JsonNode doc = document();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.get("components").get("securitySchemes").get("bearer").get("scheme").asText())
                .isEqualTo("bearer");
        assertThat(doc.get("paths").get("/api/workflows/{workflow_id}/executions").get("get").get("parameters")
                .findValuesAsText("name")).contains("workflow_id", "skip", "limit", "status", "X-Workspace-Id");
    }

    @Test
    void everyDocumentedOperationIsOneOfTheIssuesEndpointsAndViceVersa() {
        assertThat(operations(document())).isEqualTo(new TreeSet<>(EXPECTED));
    }

    @Test
    void everyDocumentedOperationIsRoutedAndOtherMethodsAre405() {
        for (String op : operations(document())) {
            String method = op.substring(0, op.indexOf(' '));
            String path = op.substring(op.indexOf(' ') + 1)
                    .replace("{workflow_id}", "basic_sequence")
                    // A step's output needs a completed step (a checkpoint).
                    .replace("{execution_id}", op.endsWith("/output") ? world.completed1 : world.running)
                    .replace("{step_id}", "process")
                    + (op.endsWith("/statistics/steps") ? "?workflow_id=basic_sequence" : "");
            HttpResponse<String> r = api.send(api.request(path, OPERATOR_A).header("X-Workspace-Id", WS_A)
                    .header("Content-Type", "application/json")
                    .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString(
                            path.endsWith("/resume") ? "{\"step_id\":\"process\"}" : "{}")
                            : HttpRequest.BodyPublishers.noBody()).build());
            boolean websocket = path.startsWith("/ws/");
            assertThat(r.statusCode()).as(op + " -> " + r.body())
                    .isEqualTo(websocket ? 400 : method.equals("POST") ? 202 : 200);

            String other = method.equals("GET") ? "DELETE" : "GET";
            HttpResponse<String> wrong = api.send(api.request(path, OPERATOR_A).method(other,
                    HttpRequest.BodyPublishers.noBody()).build());
            assertThat(wrong.statusCode()).as(other + " " + path).isEqualTo(405);
            assertThat(wrong.headers().firstValue("Allow"))
                    .hasValue(method.equals("GET") ? "GET, HEAD, OPTIONS" : "OPTIONS, " + method);
        }
    }

    static Set<String> operations(JsonNode doc) {
        Set<String> ops = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                ops.add(methods.next().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }
        return ops;
    }
}
