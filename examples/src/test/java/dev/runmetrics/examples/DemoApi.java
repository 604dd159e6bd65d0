package dev.runmetrics.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runmetrics.http.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The demo's REST API as a test calls it: a real HTTP client, the demo's acme operator token, and
 * the polling the tests wait with.
 */
final class DemoApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;
    private final String slug;

    DemoApi(DemoServer demo, String slug) {
        String uri = demo.uri().toString();
        this.base = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        this.token = demo.token(slug, Role.OPERATOR);
        this.slug = slug;
    }

    /** GETs a path, asserts 200, returns the JSON. */
    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** POSTs a JSON body; the response as it is. */
    HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The number of runs of a workflow in a status. */
    long total(String workflowId, String status) throws Exception {
        return get("/api/workflows/" + workflowId + "/executions?limit=1&status=" + status).get("total").asLong();
    }

    /** The newest run of a workflow in a status (it must have one). */
    JsonNode newest(String workflowId, String status) throws Exception {
        JsonNode items = get("/api/workflows/" + workflowId + "/executions?limit=1&status=" + status).get("items");
        assertThat(items).as("a " + status + " run of " + workflowId).isNotEmpty();
        return items.get(0);
    }

    JsonNode run(String runId) throws Exception {
        return get("/api/workflows/executions/" + runId);
    }

    /** The id of the step that failed in a run's latest attempt. */
    String failedStep(String runId) throws Exception {
        String found = null;
        for (JsonNode step : run(runId).get("step_executions")) {
            if (step.get("status").asText().equals("failed")) {
                found = step.get("step_id").asText();
            }
        }
        assertThat(found).as("the failed step of run " + runId).isNotNull();
        return found;
    }

    /** The statuses of a step by attempt, as the run's detail lists them ("1:failed", "2:completed"). */
    java.util.List<String> attemptsOf(String runId, String stepId) throws Exception {
        java.util.List<String> attempts = new java.util.ArrayList<>();
        for (JsonNode step : run(runId).get("step_executions")) {
            if (step.get("step_id").asText().equals(stepId)) {
                attempts.add(step.get("attempt").asInt() + ":" + step.get("status").asText());
            }
        }
        java.util.Collections.sort(attempts);
        return attempts;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("X-Workspace-Slug", slug);
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls until the check holds, failing with {@code what} at the deadline. */
    static void eventually(Duration timeout, Check check, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            Thread.sleep(100);
        }
    }
}
