package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.OPERATOR_B;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.WS_B;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.store.StepCheckpoint;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A step's full output through its own operator-only endpoint, and a run's detail with its pending
 * steps and its status history, over the real server.
 */
class StepOutputAndHistoryTest {

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        world = new World(b -> b.noRateLimit());
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    private static String output(String run, String step) {
        return "/api/workflows/executions/" + run + "/steps/" + step + "/output";
    }

    @Test
    void anOperatorReadsAStepsFullOutputItsCheckpointNotTheSummary() {
        String big = "x".repeat(20_000); // far beyond the summary's bound
        world.store.saveCheckpoint(WS_A, new StepCheckpoint(WS_A, world.completed2, "finalize", 1,
                Map.of("rows", List.of(1, 2, 3), "blob", big), World.START));

        HttpResponse<String> r = api.get(output(world.completed2, "finalize"), OPERATOR_A, WS_A);

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("execution_id").asText()).isEqualTo(world.completed2);
        assertThat(body.get("step_id").asText()).isEqualTo("finalize");
        assertThat(body.get("attempt").asInt()).isEqualTo(1);
        assertThat(body.get("created_at").asText()).isEqualTo("2026-01-15T10:00:00Z");
        assertThat(body.get("output").get("blob").asText()).hasSize(20_000);
        assertThat(body.get("output").get("rows")).hasSize(3);
    }

    @Test
    void theLatestAttemptIsTheDefaultAndAnAttemptCanBeNamed() {
        world.store.saveCheckpoint(WS_A, new StepCheckpoint(WS_A, world.completed1, "initialize", 2,
                Map.of("data_size", 2048), World.START.plusSeconds(60)));

        JsonNode latest = json(api.get(output(world.completed1, "initialize"), OPERATOR_A, WS_A));
        JsonNode first = json(api.get(output(world.completed1, "initialize") + "?attempt=1", OPERATOR_A, WS_A));

        assertThat(latest.get("attempt").asInt()).isEqualTo(2);
        assertThat(latest.get("output").get("data_size").asInt()).isEqualTo(2048);
        assertThat(first.get("attempt").asInt()).isEqualTo(1);
        assertThat(first.get("output").get("data_size").asInt()).isEqualTo(1024);
    }

    @Test
    void aViewerIsForbidden() {
        HttpResponse<String> r = api.get(output(world.completed1, "process"), VIEWER_A, WS_A);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(json(r).get("error").get("code").asText()).isEqualTo("forbidden");
        assertThat(r.body()).doesNotContain("processed_records");
    }

    @Test
    void anotherWorkspacesRunIsNotFoundLikeAnUnknownOne() {
        HttpResponse<String> fromB = api.get(output(world.completed1, "process"), OPERATOR_B, WS_B);
        HttpResponse<String> ofB = api.get(output(world.otherWorkspaceRun, "process"), OPERATOR_A, WS_A);
        HttpResponse<String> unknown = api.get(output(OpenApiContractTest.UNKNOWN_RUN, "process"), OPERATOR_A, WS_A);

        for (HttpResponse<String> r : List.of(fromB, ofB, unknown)) {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).get("error").get("code").asText()).isEqualTo("not_found");
        }
        assertThat(json(fromB).get("error")).isEqualTo(json(unknown).get("error"));
    }

    @Test
    void aStepWithoutACheckpointIsNotFoundWithItsOwnCode() {
        HttpResponse<String> failedStep = api.get(output(world.failed, "process"), OPERATOR_A, WS_A);
        HttpResponse<String> otherAttempt = api.get(output(world.completed1, "process") + "?attempt=3", OPERATOR_A,
                WS_A);

        for (HttpResponse<String> r : List.of(failedStep, otherAttempt)) {
            assertThat(r.statusCode()).isEqualTo(404);
            JsonNode error = json(r).get("error");
            assertThat(error.get("code").asText()).isEqualTo("checkpoint_not_found");
            assertThat(error.get("parameter").asText()).isEqualTo("step_id");
        }
        assertThat(json(otherAttempt).get("error").get("message").asText()).contains("attempt 3");
    }

    @Test
    void aBadAttemptOrStepIsABadRequestNamingIt() {
        HttpResponse<String> zero = api.get(output(world.completed1, "process") + "?attempt=0", OPERATOR_A, WS_A);
        HttpResponse<String> text = api.get(output(world.completed1, "process") + "?attempt=two", OPERATOR_A, WS_A);

        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(json(zero).get("error").get("parameter").asText()).isEqualTo("attempt");
        assertThat(text.statusCode()).isEqualTo(400);
    }

    @Test
    void theDetailListsThePendingStepAndTheStatusHistory() {
        HttpResponse<String> r = api.get("/api/workflows/executions/" + world.failed, VIEWER_A, WS_A);

        JsonNode body = json(r);
        JsonNode steps = body.get("step_executions");
        assertThat(steps).hasSize(3);
        assertThat(steps.get(2).get("step_id").asText()).isEqualTo("finalize");
        assertThat(steps.get(2).get("reached").asBoolean()).isFalse();
        assertThat(steps.get(2).get("status").asText()).isEqualTo("queued");
        JsonNode history = body.get("status_history");
        assertThat(history).hasSize(3);
        assertThat(history.get(0).get("event").asText()).isEqualTo("queued");
        assertThat(history.get(1).get("event").asText()).isEqualTo("started");
        assertThat(history.get(2).get("event").asText()).isEqualTo("failed");
        assertThat(history.get(2).get("status").asText()).isEqualTo("failed");
        assertThat(history.get(2).get("message").asText()).isEqualTo("Step 'process' failed");
        assertThat(history.get(2).get("attempt").asInt()).isEqualTo(1);
        assertThat(history.get(2).get("recorded").asBoolean()).isTrue();
        assertThat(history.get(2).get("actor").isNull()).isTrue();
        assertThat(history.get(0).get("at").asText()).isEqualTo(body.get("created_at").asText());
    }
}
