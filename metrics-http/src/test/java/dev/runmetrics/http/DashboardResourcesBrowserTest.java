package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResourceSample;
import dev.runmetrics.core.store.memory.InMemoryResourceSampleStore;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The overview's resources panel in a real Chromium ({@link DashboardBrowser}), against a real
 * server: runs of the reference runner whose "process" step calls a model, and a day of kept
 * resource samples of two instances. The panel must show the API's figures: system load, database
 * load of the latest minute, model usage, and the history of the selected timeframe.
 */
class DashboardResourcesBrowserTest {

    static final String TOKEN = "resources-viewer-token-0001";
    static final String WS = "ws-resources";
    static final Path SHOTS = Path.of("target", "screenshots");

    static InMemoryRunStore store;
    static MetricsHttpServer server;
    static WorkflowRunner runner;
    static DashboardBrowser dashboard;
    static Api api;
    static Instant latestMinute;

    @BeforeAll
    static void start() throws Exception {
        store = new InMemoryRunStore();
        InMemoryResourceSampleStore samples = new InMemoryResourceSampleStore();
        // A day of samples, a minute apart on instance-a and every 10 minutes on instance-b; the
        // latest minute (a minute ago) has both, with their database figures.
        latestMinute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(1));
        for (int i = 0; i < 24 * 60; i++) {
            Instant minute = latestMinute.minus(Duration.ofMinutes(i));
            double cpu = 20 + (i % 60) * 0.5 + (i == 91 ? 43 : 0); // one busy minute: 78.5 %
            samples.save(new ResourceSample(WS, "instance-a", minute, cpu, 40.0, 2, 4, i % 3, 2, 6, 12.0, 1.5));
            if (i % 10 == 0) {
                samples.save(new ResourceSample(WS, "instance-b", minute, 30.0, 50.0, 1, 4, 1, 1, 4, 8.0, 4.0));
            }
        }
        RunViews views = RunViews.builder(store).workerCapacity(4).resourceSamples(samples).build();
        MetricsHttpServer.Builder http = MetricsHttpServer.builder(store).port(0).views(views).noRateLimit()
                .token(TOKEN, "rita (viewer)", Role.VIEWER, WS);
        AtomicReference<RunRecorder> recorder = new AtomicReference<>();
        recorder.set(RunRecorder.builder(store).listener(http.runListener()).build());
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency((wf, step) -> Duration.ofMillis(5))
                .hook((wf, in) -> {
                    if (in.stepId().equals("process")) {
                        recorder.get().stepAttributes(in.workspaceId(), in.runId(), in.stepId(),
                                Map.of(StepRun.MODEL, "claude-3-5-haiku", StepRun.TOKENS, 1200, StepRun.COST, 0.0096));
                    }
                }).build();
        runner = WorkflowRunner.builder(recorder.get(), store).workers(4).workflows(ExampleWorkflows.all(options))
                .build();
        server = http.build();
        server.start();
        api = new Api(server.port());
        for (int i = 0; i < 3; i++) {
            String run = runner.submit(WS, ExampleWorkflows.BASIC_SEQUENCE, Map.of());
            assertThat(runner.completion(WS, run).orElseThrow().get(30, TimeUnit.SECONDS).status())
                    .isEqualTo(RunStatus.COMPLETED);
        }
        dashboard = DashboardBrowser.start("http://127.0.0.1:" + server.port() + "/", SHOTS);
    }

    @AfterAll
    static void stop() throws IOException {
        if (dashboard != null) {
            dashboard.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theResourcesPanelShowsSystemLoadDatabaseLoadModelUsageAndTheHistoryOfTheTimeframe() throws Exception {
        WebDriver browser = dashboard.driver();
        WebDriverWait wait = dashboard.waiting();
        dashboard.login(TOKEN);
        dashboard.open("#/overview?tf=24h");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#resources [data-tile='db-connections']")));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.getElementById('resources').scrollIntoView()");
        dashboard.shot("overview-resources");

        JsonNode overview = Api.json(api.get("/api/v1/execution-metrics?timeframe=24h", TOKEN));
        JsonNode db = overview.at("/resources/databaseLoad");
        // The latest minute: both instances, connections and rates summed, time weighted by the rate.
        assertThat(db.get("connections").asInt()).isEqualTo(3);
        assertThat(db.get("queryRate").asDouble()).isEqualTo(20.0);
        assertThat(db.get("avgQueryTime").asDouble()).isCloseTo((1.5 * 12 + 4.0 * 8) / 20 / 1000,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(value("db-connections")).isEqualTo("3 / 10");
        assertThat(value("db-query-rate")).isEqualTo("20 / s");
        assertThat(value("db-query-time")).isEqualTo("2.50 ms");

        JsonNode load = overview.at("/realtime/systemLoad");
        assertThat(value("workers-load")).isEqualTo(load.at("/workers/busy").asInt() + " / 4");
        // Sampled when each overview is computed: the page's and this request's differ, only the form is fixed.
        assertThat(value("cpu")).matches("[0-9]+\\.[0-9] %|—");
        assertThat(value("memory")).matches("[0-9]+\\.[0-9] %");

        assertThat(browser.findElement(By.cssSelector("#model-usage tr[data-model='claude-3-5-haiku']")).getText())
                .contains("3", "3600", "0.0288");

        // The history: CPU by default, one point per 15-minute bucket with samples.
        JsonNode history = Api.json(api.get("/api/v1/resources?timeframe=24h", TOKEN));
        long withSamples = 0;
        for (JsonNode b : history.get("buckets")) {
            if (b.get("minutes").asInt() > 0) {
                withSamples++;
            }
        }
        assertThat(withSamples).as("a day of samples over 96 buckets").isGreaterThanOrEqualTo(94);
        By chart = By.cssSelector("#resources svg");
        assertThat(browser.findElement(chart).getAttribute("data-points")).isEqualTo(String.valueOf(withSamples));
        // The busy minute (78.5 % on instance-a alone) is the highest; a minute of both is their mean.
        assertThat(browser.findElement(By.id("resource-summary")).getText())
                .contains("Highest minute: 78.5 %", "instance-a, instance-b", "buckets of 15 min");

        // Another figure: the query rate, instance-b's 8/s added every ten minutes.
        browser.findElement(By.cssSelector("#resource-figure [data-figure='dbQueriesPerSecond']")).click();
        wait.until(ExpectedConditions.attributeContains(
                By.cssSelector("#resource-figure [data-figure='dbQueriesPerSecond']"), "class", "active"));
        assertThat(browser.findElement(By.id("resource-summary")).getText()).contains("Highest minute: 20");
        dashboard.shot("overview-resources-query-rate");
    }

    private static String value(String tile) {
        return dashboard.waiting().until(d -> d.findElement(By.cssSelector("[data-value='" + tile + "']"))).getText();
    }
}
