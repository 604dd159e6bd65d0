package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The overview's patterns panel and its live lists in a real Chromium ({@link DashboardBrowser})
 * against a real server: the panel shows the API's bursts, peak and quiet hours, daily averages
 * and performance by hour over stored history; and a run that starts, queues or ends after the
 * page loaded shows up at once through {@code execution_changed}, without a reload, while the
 * server's coalesced {@code execution_update} is held back to once per {@link #UPDATE_INTERVAL}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardOverviewLiveBrowserTest {

    /** Far longer than the bounds below: a live list that keeps up can only be following the run changes. */
    static final Duration UPDATE_INTERVAL = Duration.ofSeconds(40);
    /** How soon after a run changes the page must show it. */
    static final Duration SOON = Duration.ofSeconds(3);
    /** Runs the seeded burst puts in one 15-minute bucket of the 24 h timeline. */
    static final int BURST_RUNS = 40;

    static DashboardWorld world;
    static Api api;
    static DashboardBrowser dashboard;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        world = new DashboardWorld(0, 0.05, b -> b.executionUpdateInterval(UPDATE_INTERVAL));
        api = new Api(world.server.port());
        world.seedHistory(2);
        // A burst 6 hours ago: many runs within three minutes of one timeline bucket.
        Instant burst = Instant.now().minus(Duration.ofHours(6)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(2));
        for (int i = 0; i < BURST_RUNS; i++) {
            world.store.saveRun(DashboardWorld.WS, RunFixtures.ended(DashboardWorld.WS, ExampleWorkflows.BASIC_SEQUENCE,
                    burst.plusSeconds(4L * i), Duration.ofMillis(30), Duration.ofMillis(700),
                    i % 10 == 0 ? RunStatus.FAILED : RunStatus.COMPLETED));
        }
        dashboard = DashboardBrowser.start(world.url(), DashboardBrowserTest.SHOTS);
        browser = dashboard.driver();
        dashboard.login(DashboardWorld.OPERATOR);
    }

    @AfterAll
    static void stop() throws IOException {
        if (dashboard != null) {
            dashboard.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @Test
    @Order(1)
    void thePatternsPanelShowsTheBurstsPeakAndQuietHoursAndByHourOfTheApi() throws Exception {
        HttpResponse<String> response = api.get("/api/v1/execution-metrics?timeframe=24h", DashboardWorld.OPERATOR,
                DashboardWorld.WS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode overview = Api.JSON.readTree(response.body());
        JsonNode patterns = overview.get("patterns");
        JsonNode summary = patterns.get("patterns");
        JsonNode bursts = patterns.get("bursts");
        assertThat(bursts).as("the seeded burst is one").isNotEmpty();

        dashboard.open("#/overview?tf=24h");
        WebDriverWait wait = dashboard.waiting();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#bursts tr[data-start]")));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('patterns').scrollIntoView()");
        dashboard.shot("overview-patterns");

        assertThat(dashboard.text(By.cssSelector("[data-value='peak-hours']"))).isEqualTo(hours(summary.get("peakHours")));
        assertThat(dashboard.text(By.cssSelector("[data-value='quiet-hours']"))).isEqualTo(hours(summary.get("quietHours")));
        assertThat(summary.get("peakHours")).isNotEmpty();
        assertThat(Double.parseDouble(dashboard.text(By.cssSelector("[data-value='average-daily']"))))
                .isCloseTo(summary.get("averageDaily").asDouble(), within(0.051));
        assertThat(summary.get("averageDaily").asDouble()).isGreaterThan(BURST_RUNS);
        assertThat(dashboard.text(By.cssSelector("[data-value='bursts']"))).isEqualTo(String.valueOf(bursts.size()));

        List<WebElement> rows = browser.findElements(By.cssSelector("#bursts tbody tr[data-start]"));
        assertThat(rows).hasSize(bursts.size());
        long burstRuns = 0;
        for (int i = 0; i < bursts.size(); i++) {
            JsonNode b = bursts.get(i);
            WebElement row = rows.get(i);
            assertThat(row.getAttribute("data-start")).isEqualTo(b.get("startTime").asText());
            assertThat(row.getAttribute("data-impact")).isEqualTo(b.get("impact").asText());
            List<WebElement> cells = row.findElements(By.tagName("td"));
            assertThat(cells.get(2).getText()).isEqualTo(b.get("peakExecutions").asText());
            assertThat(cells.get(3).getText()).isEqualTo(b.get("totalExecutions").asText());
            burstRuns += b.get("totalExecutions").asLong();
        }
        assertThat(burstRuns).isGreaterThanOrEqualTo(BURST_RUNS);

        List<JsonNode> withRuns = new ArrayList<>();
        overview.get("performance").get("byHour").forEach(h -> {
            if (h.get("executions").asLong() > 0 || contains(summary.get("quietHours"), h.get("hour").asInt())) {
                withRuns.add(h);
            }
        });
        assertThat(withRuns).hasSizeGreaterThan(12); // a run every 40 minutes: most hours have one or two
        assertThat(browser.findElements(By.cssSelector("#by-hour tbody tr[data-hour]"))).hasSize(withRuns.size());
        for (JsonNode h : withRuns) {
            int hour = h.get("hour").asInt();
            List<WebElement> cells = browser.findElement(By.cssSelector("#by-hour tr[data-hour='" + hour + "']"))
                    .findElements(By.tagName("td"));
            assertThat(cells.get(0).getText()).isEqualTo(String.format("%02d:00", hour));
            assertThat(cells.get(1).getText()).isEqualTo(h.get("executions").asText());
            boolean peak = contains(summary.get("peakHours"), hour);
            boolean quiet = contains(summary.get("quietHours"), hour);
            assertThat(cells.get(4).getText()).isEqualTo(peak ? "peak" : quiet ? "quiet" : "");
        }
        assertThat(dashboard.scriptErrors()).isEmpty();
    }

    @Test
    @Order(2)
    void runsThatStartQueueAndEndAfterThePageLoadedShowAtOnceWithoutAReload() throws Exception {
        // A fresh load: the indicator then shows this page's own WebSocket, not the previous page's.
        browser.get("about:blank");
        dashboard.open("#/overview");
        WebDriverWait wait = dashboard.waiting();
        wait.until(ExpectedConditions.textToBe(By.id("conn"), "live updates: connected"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-tile='queue']")));
        // Spends the one execution_update the server may send at once; later ones wait for UPDATE_INTERVAL.
        String warmUp = world.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of());
        world.await(warmUp);
        ((JavascriptExecutor) browser).executeScript("window.__loadedOnce = 'yes';");
        WebDriverWait soon = new WebDriverWait(browser, SOON);

        // Each run holds its worker at its first step (initialize) until released: four workers, then a queue.
        Map<String, String> hold = Map.of(DashboardWorld.HOLD_STEP, "initialize");
        long submittedAt = System.nanoTime();
        String first = world.submit(ExampleWorkflows.BASIC_SEQUENCE, hold);
        soon.until(ExpectedConditions.presenceOfElementLocated(runLink("live-executions", first)));
        Duration shownAfter = Duration.ofNanos(System.nanoTime() - submittedAt);
        assertThat(shownAfter).isLessThan(SOON);

        List<String> running = new ArrayList<>(List.of(first));
        for (int i = 0; i < 3; i++) {
            running.add(world.submit(ExampleWorkflows.BASIC_SEQUENCE, hold));
        }
        for (String run : running) {
            soon.until(ExpectedConditions.presenceOfElementLocated(runLink("live-executions", run)));
        }
        // Only once all four hold their workers: a priority run queued earlier would start first.
        String queued = world.runner.submit(DashboardWorld.WS, ExampleWorkflows.BASIC_SEQUENCE, hold,
                Map.of(Run.USER_ID, "u-9", Run.PRIORITY, 7));
        WebElement queuedRow = soon.until(ExpectedConditions.presenceOfElementLocated(
                By.xpath("//table[@id='queued']//tr[td/a[@href='#/run/" + queued + "']]")));
        assertThat(queuedRow.findElements(By.tagName("td")).get(2).getText()).isEqualTo("7");
        soon.until(ExpectedConditions.textToBe(By.cssSelector("[data-value='queue']"), "1"));
        soon.until(ExpectedConditions.textToBe(By.cssSelector("[data-value='running']"), "4"));
        soon.until(ExpectedConditions.textToBe(By.cssSelector("[data-value='workers']"), "4 / 4"));
        dashboard.shot("overview-live-queue");

        // They all end: the lists empty at once.
        world.release.countDown();
        for (String run : running) {
            assertThat(world.await(run).status()).isEqualTo(RunStatus.COMPLETED);
        }
        assertThat(world.await(queued).status()).isEqualTo(RunStatus.COMPLETED);
        soon.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-executions"),
                "Nothing is running right now."));
        soon.until(ExpectedConditions.textToBe(By.cssSelector("[data-value='queue']"), "0"));
        assertThat(browser.findElements(By.id("queued"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.__loadedOnce;"))
                .as("the page was not reloaded").isEqualTo("yes");
        assertThat(dashboard.scriptErrors()).isEmpty();
    }

    private static By runLink(String containerId, String runId) {
        return By.cssSelector("#" + containerId + " a[href='#/run/" + runId + "']");
    }

    private static String hours(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(h -> out.add(String.format("%02d:00", h.asInt())));
        return out.isEmpty() ? "—" : String.join(", ", out);
    }

    private static boolean contains(JsonNode list, int hour) {
        for (JsonNode h : list) {
            if (h.asInt() == hour) {
                return true;
            }
        }
        return false;
    }
}
