package dev.runmetrics.examples;

import static dev.runmetrics.examples.DemoApi.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with its engines: {@code --langgraph} (a LangGraph4j graph) and {@code --spring-batch}
 * (a Spring Batch job with its job repository in the demo's PostgreSQL), each next to the example
 * workflows on a real embedded PostgreSQL, called through the real HTTP API: their runs appear in
 * workspace acme, and a failed one is resumed (LangGraph4j: from its checkpoint; Spring Batch: a
 * restart through its JobOperator) as a new attempt of the same run that completes.
 */
class DemoEnginesTest {

    private static final Duration SOON = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private DemoServer start(String flag, ByteArrayOutputStream printed) throws Exception {
        return DemoServer.start(DemoOptions.parse("--port", "0", "--rate", "40", "--latency-scale", "0.02",
                "--status-every", "0", "--data-dir", dataDir.toString(), flag),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Test
    void langGraphRunsAppearAndAFailedOneIsResumedFromItsCheckpointAsItsSecondAttempt() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoServer demo = start("--langgraph", printed);
        try {
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("langgraph4j graph support_ticket");
            DemoApi api = new DemoApi(demo, "acme");
            eventually(SOON, () -> api.total("support_ticket", "completed") > 0
                    && api.total("support_ticket", "failed") > 0, "support_ticket has completed and failed runs");
            JsonNode completed = api.newest("support_ticket", "completed");
            assertThat(api.attemptsOf(completed.get("id").asText(), "send")).containsExactly("1:completed");

            String runId = api.newest("support_ticket", "failed").get("id").asText();
            assertThat(api.failedStep(runId)).isEqualTo("refund");
            assertThat(api.run(runId).get("error_message").asText()).contains("above the 500 limit");
            // Without a smaller amount the refund fails again; with one, the run goes on from refund.
            HttpResponse<String> resumed = api.post("/api/workflows/executions/" + runId + "/resume",
                    "{\"step_id\":\"refund\",\"input_overrides\":{\"amount\":90}}");
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
            assertThat(resumed.body()).contains("\"attempt\":2");
            eventually(SOON, () -> api.run(runId).get("status").asText().equals("completed"),
                    "the resumed support_ticket run completes");
            assertThat(api.run(runId).get("attempt").asInt()).isEqualTo(2);
            assertThat(api.attemptsOf(runId, "refund")).containsExactly("1:failed", "2:completed");
            assertThat(api.attemptsOf(runId, "send")).containsExactly("2:completed");
            // The nodes before the checkpoint kept their results: they did not run again.
            assertThat(api.attemptsOf(runId, "classify")).containsExactly("1:completed");

            // The example workflows' runs are still resumed by the runner, behind the same endpoint.
            resumesAFailedExampleRun(api);
        } finally {
            demo.close();
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("0 dropped, 0 failed");
    }

    @Test
    void springBatchRunsAppearAndAFailedOneIsRestartedAtItsFailedStepAsItsSecondAttempt() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DemoServer demo = start("--spring-batch", printed);
        try {
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("spring batch job ledger_export");
            DemoApi api = new DemoApi(demo, "acme");
            eventually(SOON, () -> api.total("ledger_export", "completed") > 0
                    && api.total("ledger_export", "failed") > 0, "ledger_export has completed and failed runs");
            JsonNode completed = api.newest("ledger_export", "completed");
            assertThat(api.attemptsOf(completed.get("id").asText(), "load")).containsExactly("1:completed");

            JsonNode failed = api.newest("ledger_export", "failed");
            String runId = failed.get("id").asText();
            String step = api.failedStep(runId);
            assertThat(step).isIn("transform", "load");
            assertThat(failed.get("input_variables").get("fail_step").asText()).isEqualTo(step);
            HttpResponse<String> restarted = api.post("/api/workflows/executions/" + runId + "/resume",
                    "{\"step_id\":\"" + step + "\",\"input_overrides\":{\"fail_step\":null}}");
            assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(202);
            assertThat(restarted.body()).contains("\"attempt\":2");
            eventually(SOON, () -> api.run(runId).get("status").asText().equals("completed"),
                    "the restarted ledger_export run completes");
            assertThat(api.run(runId).get("attempt").asInt()).isEqualTo(2);
            assertThat(api.attemptsOf(runId, step)).containsExactly("1:failed", "2:completed");
            // Spring Batch keeps the completed steps of the instance: extract ran once, in attempt 1.
            assertThat(api.attemptsOf(runId, "extract")).containsExactly("1:completed");
            // A completed step cannot be started again: Spring Batch would not run it.
            HttpResponse<String> refused = api.post("/api/workflows/executions/" + runId + "/resume",
                    "{\"step_id\":\"extract\"}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);

            resumesAFailedExampleRun(api);
        } finally {
            demo.close();
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("0 dropped, 0 failed");
    }

    @Test
    void theEngineFlagsAreSwitches() throws Exception {
        DemoOptions plain = DemoOptions.parse();
        assertThat(plain.langgraph()).isFalse();
        assertThat(plain.springBatch()).isFalse();
        DemoOptions both = DemoOptions.parse("--langgraph", "--port", "9090", "--spring-batch");
        assertThat(both.langgraph()).isTrue();
        assertThat(both.springBatch()).isTrue();
        assertThat(both.port()).isEqualTo(9090);
        assertThat(both.withPort(0).langgraph()).isTrue();
        assertThat(both.withPort(0).springBatch()).isTrue();
        assertThat(DemoOptions.HELP).contains("--langgraph", "--spring-batch");
    }

    private static void resumesAFailedExampleRun(DemoApi api) throws Exception {
        eventually(SOON, () -> api.total("basic_sequence", "failed") > 0, "basic_sequence has a failed run");
        String runId = null;
        for (JsonNode run : api.get("/api/workflows/basic_sequence/executions?limit=20&status=failed").get("items")) {
            if (run.get("input_variables").has("fail_step")) {
                runId = run.get("id").asText();
                break;
            }
        }
        assertThat(runId).as("a basic_sequence run with an injected failure").isNotNull();
        String step = api.failedStep(runId);
        HttpResponse<String> resumed = api.post("/api/workflows/executions/" + runId + "/resume",
                "{\"step_id\":\"" + step + "\",\"input_overrides\":{\"fail_step\":null}}");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(202);
        String id = runId;
        eventually(SOON, () -> api.run(id).get("status").asText().equals("completed"),
                "the resumed basic_sequence run completes");
    }
}
