package dev.runmetrics.examples;

import static dev.runmetrics.examples.DemoApi.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.http.DashboardBrowser;
import dev.runmetrics.http.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The Run Console on the engines' runs, as an operator uses it: the demo with {@code --langgraph}
 * and {@code --spring-batch} on a real embedded PostgreSQL, its dashboard in a real Chromium
 * ({@link DashboardBrowser}, from metrics-http's tests). A failed LangGraph4j run is resumed from
 * its failed node and a failed Spring Batch run restarted from its failed step, each through the
 * Run Console's resume dialog, and each completes as attempt 2. Screenshots go to
 * {@code target/screenshots/}.
 */
class DemoEnginesBrowserTest {

    private static final Path SHOTS = Path.of("target", "screenshots");
    private static final Duration SOON = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    static DemoServer demo;
    static DemoApi api;
    static DashboardBrowser browser;

    @BeforeAll
    static void start() throws Exception {
        demo = DemoServer.start(DemoOptions.parse("--port", "0", "--rate", "20", "--latency-scale", "0.05",
                "--status-every", "0", "--data-dir", dataDir.toString(), "--langgraph", "--spring-batch"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        api = new DemoApi(demo, "acme");
        eventually(SOON, () -> api.total(DemoLangGraph.GRAPH_ID, "failed") > 0
                && api.total(DemoSpringBatch.JOB, "failed") > 0, "both engines have a failed run");
        browser = DashboardBrowser.start(demo.uri().toString(), SHOTS);
        browser.login(demo.token("acme", Role.OPERATOR));
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void aFailedLangGraphRunIsResumedFromItsFailedNodeInTheRunConsoleAndCompletes() throws Exception {
        String runId = api.newest(DemoLangGraph.GRAPH_ID, "failed").get("id").asText();
        browser.openRun(runId);
        assertThat(browser.barStatus("refund", 1)).isEqualTo("failed");
        assertThat(browser.barStatus("classify", 1)).isEqualTo("completed");
        assertThat(browser.text(By.cssSelector(".run-head"))).contains(DemoLangGraph.GRAPH_ID);
        browser.shot("demo-langgraph-run-failed");

        browser.resumeFrom("refund", "{\"amount\": 90}", 2);

        browser.awaitRunStatus("completed");
        assertThat(browser.barStatus("refund", 2)).isEqualTo("completed");
        assertThat(browser.barStatus("send", 2)).isEqualTo("completed");
        assertThat(browser.barStatus("refund", 1)).isEqualTo("failed");
        assertThat(browser.driver().findElements(By.cssSelector("[data-resume-step]"))).isEmpty();
        browser.shot("demo-langgraph-run-resumed");
        JsonNode run = api.run(runId);
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void aFailedSpringBatchRunIsRestartedFromItsFailedStepInTheRunConsoleAndCompletes() throws Exception {
        String runId = api.newest(DemoSpringBatch.JOB, "failed").get("id").asText();
        String step = api.failedStep(runId);
        browser.openRun(runId);
        assertThat(browser.barStatus(step, 1)).isEqualTo("failed");
        assertThat(browser.barStatus("extract", 1)).isEqualTo("completed");
        browser.shot("demo-spring-batch-run-failed");

        browser.resumeFrom(step, "{\"fail_step\": null}", 2);

        browser.awaitRunStatus("completed");
        assertThat(browser.barStatus(step, 2)).isEqualTo("completed");
        assertThat(browser.barStatus("load", 2)).isEqualTo("completed");
        // Spring Batch does not run a completed step again: extract has no bar in attempt 2.
        assertThat(browser.driver().findElements(By.cssSelector("svg.gantt g[data-step='extract'][data-attempt='2']")))
                .isEmpty();
        browser.shot("demo-spring-batch-run-restarted");
        JsonNode run = api.run(runId);
        assertThat(run.get("status").asText()).isEqualTo("completed");
        assertThat(run.get("attempt").asInt()).isEqualTo(2);
    }

    @AfterEach
    void noScriptErrors() {
        assertThat(browser.scriptErrors()).isEmpty();
    }
}
