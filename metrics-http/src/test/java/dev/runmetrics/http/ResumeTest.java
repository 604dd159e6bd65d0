package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.OPERATOR_B;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.WS_B;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.control.RunAction;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How the adapter maps each resume answer to its status, and checks role, body and run before it
 * calls the orchestrator. The orchestrator here answers by the step id it is given, so every
 * {@link ResumeResult} can be provoked; the real WorkflowRunner is in {@link RunnerResumeTest}.
 */
class ResumeTest {

    record Call(String workspace, String actor, String run, String step, Map<String, ?> overrides) {}

    static final List<Call> calls = new CopyOnWriteArrayList<>();
    static final ResumeHandler SCRIPTED = (ws, actor, run, step, overrides) -> {
        calls.add(new Call(ws, actor, run, step, overrides));
        return switch (step) {
            case "process" -> new ResumeResult.Accepted(run, step, 2);
            case "finalize" -> new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "step finalize is completed", 1);
            case "busy" -> new ResumeResult.Refused(Reason.RUN_ACTIVE, "run is running", 1);
            case "race" -> new ResumeResult.Refused(Reason.CONFLICT, "another resume won", 2);
            case "ghost" -> new ResumeResult.Refused(Reason.STEP_NOT_FOUND, "no step ghost", 1);
            case "done" -> new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "run completed", 1);
            default -> new ResumeResult.Refused(Reason.UNAVAILABLE, "store down", 1);
        };
    };

    static World world;
    static World.RunActionLog actions = new World.RunActionLog();
    static Api api;

    @BeforeAll
    static void start() {
        world = World.withResume(SCRIPTED, actions);
        api = world.api;
        actions.allowed = world.running;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    private HttpResponse<String> resume(String token, String run, String body) {
        return api.post("/api/workflows/executions/" + run + "/resume", token, WS_A, body);
    }

    private static String code(HttpResponse<String> r) {
        return json(r).get("error").get("code").asText();
    }

    @Test
    void anAcceptedResumeIs202WithTheNewAttempt() {
        HttpResponse<String> r = resume(OPERATOR_A, world.failed,
                "{\"step_id\":\"process\",\"input_overrides\":{\"batch_size\":10}}");
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode body = json(r);
        assertThat(body.get("execution_id").asText()).isEqualTo(world.failed);
        assertThat(body.get("attempt").asInt()).isEqualTo(2);
        assertThat(body.get("step_id").asText()).isEqualTo("process");
        assertThat(r.headers().firstValue("Location")).hasValue("/api/workflows/executions/" + world.failed);
        Call call = calls.stream().filter(c -> c.run().equals(world.failed) && c.step().equals("process"))
                .findFirst().orElseThrow();
        assertThat(call.actor()).isEqualTo("operator-a");
        assertThat(call.workspace()).isEqualTo(WS_A);
        assertThat(call.overrides()).isEqualTo(Map.of("batch_size", 10));
    }

    @Test
    void eachRefusalHasItsStatus() {
        assertThat(resume(OPERATOR_A, world.failed, "{\"step_id\":\"finalize\"}").statusCode()).isEqualTo(422);
        assertThat(code(resume(OPERATOR_A, world.failed, "{\"step_id\":\"finalize\"}")))
                .isEqualTo("step_not_resumable");
        assertThat(resume(OPERATOR_A, world.failed, "{\"step_id\":\"done\"}").statusCode()).isEqualTo(422);
        HttpResponse<String> busy = resume(OPERATOR_A, world.failed, "{\"step_id\":\"busy\"}");
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(code(busy)).isEqualTo("run_active");
        HttpResponse<String> race = resume(OPERATOR_A, world.failed, "{\"step_id\":\"race\"}");
        assertThat(race.statusCode()).isEqualTo(409);
        assertThat(code(race)).isEqualTo("conflict");
        HttpResponse<String> ghost = resume(OPERATOR_A, world.failed, "{\"step_id\":\"ghost\"}");
        assertThat(ghost.statusCode()).isEqualTo(404);
        assertThat(code(ghost)).isEqualTo("step_not_found");
        assertThat(json(ghost).get("error").get("parameter").asText()).isEqualTo("step_id");
    }

    @Test
    void aViewerMayNotResume() {
        int before = calls.size();
        HttpResponse<String> r = resume(VIEWER_A, world.failed, "{\"step_id\":\"process\"}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("forbidden");
        assertThat(calls).hasSize(before);
    }

    @Test
    void anotherWorkspacesOperatorGets404() {
        HttpResponse<String> r = api.post("/api/workflows/executions/" + world.failed + "/resume", OPERATOR_B, WS_A,
                "{\"step_id\":\"process\"}");
        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void badBodiesAreRefusedBeforeTheOrchestratorIsAsked() {
        int before = calls.size();
        String path = "/api/workflows/executions/" + world.failed + "/resume";
        assertThat(resume(OPERATOR_A, world.failed, "{}").statusCode()).isEqualTo(400);
        assertThat(json(resume(OPERATOR_A, world.failed, "{}")).get("error").get("parameter").asText())
                .isEqualTo("step_id");
        assertThat(resume(OPERATOR_A, world.failed, "{\"step_id\":7}").statusCode()).isEqualTo(400);
        assertThat(json(resume(OPERATOR_A, world.failed, "{\"step_id\":\"process\",\"input_overrides\":[1]}"))
                .get("error").get("parameter").asText()).isEqualTo("input_overrides");
        assertThat(json(resume(OPERATOR_A, world.failed, "{\"step_id\":\"process\",\"stepid\":1}"))
                .get("error").get("parameter").asText()).isEqualTo("stepid");
        assertThat(code(resume(OPERATOR_A, world.failed, "{\"step_id\":"))).isEqualTo("invalid_json");
        assertThat(code(resume(OPERATOR_A, world.failed, "[1,2]"))).isEqualTo("invalid_json");
        assertThat(code(resume(OPERATOR_A, world.failed, ""))).isEqualTo("missing_body");
        HttpResponse<String> text = api.send(api.request(path, OPERATOR_A).header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"step_id\":\"process\"}")).build());
        assertThat(text.statusCode()).isEqualTo(415);
        HttpResponse<String> big = resume(OPERATOR_A, world.failed, "{\"step_id\":\"process\",\"input_overrides\":"
                + "{\"x\":\"" + "a".repeat(70_000) + "\"}}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(code(big)).isEqualTo("payload_too_large");
        assertThat(resume(OPERATOR_A, "not-a-uuid", "{\"step_id\":\"process\"}").statusCode()).isEqualTo(400);
        assertThat(calls).hasSize(before);
    }

    @Test
    void resumeIsAPostOnly() {
        HttpResponse<String> r = api.get("/api/workflows/executions/" + world.failed + "/resume", OPERATOR_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("OPTIONS, POST");
    }

    @Test
    void pauseAndCancelReachTheOrchestrator() {
        HttpResponse<String> pause = api.post("/api/workflows/executions/" + world.running + "/pause", OPERATOR_A,
                WS_A, "{\"reason\":\"maintenance\"}");
        assertThat(pause.statusCode()).isEqualTo(202);
        assertThat(json(pause).get("status").asText()).isEqualTo("pausing");
        HttpResponse<String> cancel = api.post("/api/workflows/executions/" + world.running + "/cancel", OPERATOR_A,
                WS_A, "");
        assertThat(cancel.statusCode()).isEqualTo(202);
        assertThat(actions.calls).contains("pause ws-a " + world.running + " maintenance",
                "cancel ws-a " + world.running + " null");
    }

    @Test
    void pausingARunThatIsNotRunningHereIs409() {
        HttpResponse<String> r = api.post("/api/workflows/executions/" + world.completed1 + "/pause", OPERATOR_A,
                WS_A, "{}");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(code(r)).isEqualTo("conflict");
    }

    @Test
    void pauseAndCancelCheckRoleWorkspaceAndRun() {
        assertThat(api.post("/api/workflows/executions/" + world.running + "/pause", VIEWER_A, WS_A, "{}")
                .statusCode()).isEqualTo(403);
        assertThat(api.post("/api/workflows/executions/" + world.running + "/cancel", OPERATOR_B, WS_B, "{}")
                .statusCode()).isEqualTo(404);
        assertThat(api.post("/api/workflows/executions/" + world.running + "/cancel", OPERATOR_A, WS_A,
                "{\"reason\":5}").statusCode()).isEqualTo(400);
    }
}
