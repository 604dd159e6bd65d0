package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard tested as a person would use it: Debian's headless Chromium, driven through the
 * system ChromeDriver ({@link DashboardBrowser}), against a real server whose runs the reference
 * WorkflowRunner executes. Screenshots of each main page go to {@code target/screenshots/}.
 * Without Chromium or ChromeDriver the test fails (it never skips): install them with
 * {@code apt-get install -y chromium chromium-driver}, as {@code ./run-tests} does.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    static final Path SHOTS = Path.of("target", "screenshots");

    static DashboardWorld world;
    static Api api;
    static DashboardBrowser dashboard;
    static WebDriver browser;
    static WebDriverWait wait;
    static String failedRun;
    static String otherFailedRun;

    @BeforeAll
    static void start() throws Exception {
        world = new DashboardWorld(0, 0.25);
        api = new Api(world.server.port());
        List<String> ok = List.of(world.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of("mode", "fast")),
                world.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of("records", 250)),
                world.submit(ExampleWorkflows.PARALLEL_PROCESSING, Map.of()),
                world.submit(ExampleWorkflows.DATA_PIPELINE, Map.of()));
        failedRun = world.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of(ExampleWorkflows.FAIL_STEP, "process"));
        otherFailedRun = world.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of(ExampleWorkflows.FAIL_STEP, "finalize"));
        for (String run : ok) {
            assertThat(world.await(run).status()).isEqualTo(RunStatus.COMPLETED);
        }
        assertThat(world.await(failedRun).status()).isEqualTo(RunStatus.FAILED);
        assertThat(world.await(otherFailedRun).status()).isEqualTo(RunStatus.FAILED);

        dashboard = DashboardBrowser.start(world.url(), SHOTS);
        browser = dashboard.driver();
        wait = dashboard.waiting();
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
    void aWrongTokenIsToldSoOnTheLoginPage() {
        browser.get(world.url());
        type(By.id("token"), "not-a-real-token-at-all");
        click(By.id("login-submit"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "not valid"));
        shot("login-error");
    }

    @Test
    @Order(2)
    void aTokenOfSeveralWorkspacesChoosesOne() {
        browser.get(world.url() + "#/login");
        type(By.id("token"), DashboardWorld.MULTI);
        click(By.id("login-submit"));
        WebElement select = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("workspace")));
        assertThat(select.getText()).contains(DashboardWorld.WS, DashboardWorld.OTHER_WS);
        new org.openqa.selenium.support.ui.Select(select).selectByValue(DashboardWorld.OTHER_WS);
        shot("login-workspace");
        click(By.id("workspace-open"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "workspace ws-other"));
        // The other workspace has no runs: the overview says so instead of showing the demo's.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("by-node"), "No node ran"));
        logout();
    }

    @Test
    @Order(3)
    void anOperatorResumesAFailedRunFromItsFailedStepAndSeesItComplete() {
        login(DashboardWorld.OPERATOR);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-tile='running']")));
        wait.until(ExpectedConditions.textToBe(By.id("conn"), "live updates: connected"));
        // Runs submitted now reach the page only through the WebSocket's execution_update.
        for (int i = 0; i < 6; i++) { // more than the 4 workers: some wait in the queue
            world.submit(ExampleWorkflows.DATA_PIPELINE, Map.of());
        }
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#live-executions progress")));
        shot("overview");
        click(By.cssSelector("[data-timeframe='24h']"));
        wait.until(ExpectedConditions.attributeContains(By.cssSelector("[data-timeframe='24h']"), "class", "active"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-tile='running']")));
        shot("overview-24h");

        open("#/runs?workflow=basic_sequence&status=failed");
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-run='" + failedRun + "']")));
        shot("runs-failed");
        row.findElement(By.cssSelector("a")).click();

        By resume = By.cssSelector("button[data-resume-step='process']");
        wait.until(ExpectedConditions.elementToBeClickable(resume));
        assertThat(barStatus("process", 1)).isEqualTo("failed");
        shot("run-failed");
        click(resume);

        WebElement overrides = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overrides")));
        overrides.sendKeys("{\"fail_step\": ");
        assertThat(browser.findElement(By.id("overrides-error")).getText()).startsWith("Not valid JSON");
        assertThat(browser.findElement(By.id("resume-next")).isEnabled()).isFalse();
        overrides.sendKeys("null}");
        assertThat(browser.findElement(By.id("overrides-error")).getText()).isEmpty();
        click(By.id("resume-next"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("resume-dialog"), "attempt 2"));
        shot("run-resume-confirm");
        click(By.id("resume-confirm"));

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-outcome='ok']"),
                "Accepted: attempt 2"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".run-head h1 .badge"), "data-status",
                "completed"));
        assertThat(text(By.id("run-attempt"))).isEqualTo("2");
        assertThat(barStatus("process", 1)).isEqualTo("failed");
        assertThat(barStatus("process", 2)).isEqualTo("completed");
        assertThat(barStatus("finalize", 2)).isEqualTo("completed");
        assertThat(browser.findElements(By.cssSelector("[data-resume-step]"))).isEmpty();
        assertThat(text(By.id("audit"))).contains("alice (operator)", "process");
        shot("run-resumed");

        JsonNode detail = Api.json(api.get("/api/workflows/executions/" + failedRun, DashboardWorld.OPERATOR));
        assertThat(detail.get("status").asText()).isEqualTo("completed");
        assertThat(detail.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void anOperatorPausesARunningRunAndResumesItFromThePausedStep() {
        String held = world.submit(ExampleWorkflows.BASIC_SEQUENCE, Map.of(DashboardWorld.HOLD_STEP, "process"));
        open("#/run/" + held);
        click(By.id("pause-run"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-outcome='ok']"),
                "Pause requested"));
        world.release.countDown();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".run-head h1 .badge"), "data-status", "paused"));
        assertThat(barStatus("finalize", 1)).isEqualTo("paused");
        shot("run-paused");
        click(By.cssSelector("button[data-resume-step='finalize']"));
        click(By.id("resume-next"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("resume-dialog"), "Without input overrides"));
        click(By.id("resume-confirm"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".run-head h1 .badge"), "data-status",
                "completed"));
        assertThat(barStatus("finalize", 2)).isEqualTo("completed");
        // The history names the operator of the pause and of the resume.
        wait.until(d -> d.findElements(By.cssSelector("#history tr[data-event='completed']")).size() == 1);
        assertThat(browser.findElements(By.cssSelector("#history tr[data-event]")))
                .extracting(e -> e.getAttribute("data-event") + "@" + e.getAttribute("data-attempt"))
                .containsExactly("queued@1", "started@1", "paused@1", "resumed@2", "started@2", "completed@2");
        assertThat(text(By.cssSelector("#history tr[data-event='paused']"))).contains("alice (operator)");
        assertThat(text(By.cssSelector("#history tr[data-event='resumed']"))).contains("alice (operator)");
        assertThat(text(By.cssSelector("#history tr[data-event='started'][data-attempt='1']"))).contains("—");
        shot("run-history");
    }

    @Test
    @Order(5)
    void aFailedRunShowsItsUnreachedStepsPendingAndAnOperatorReadsAStepsFullOutput() throws Exception {
        String run = world.submit(ExampleWorkflows.DATA_PIPELINE, Map.of(ExampleWorkflows.FAIL_STEP, "load_data"));
        assertThat(world.await(run).status()).isEqualTo(RunStatus.FAILED);
        open("#/run/" + run);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#steps tr[data-step='cleanup']")));
        assertThat(barStatus("load_data", 1)).isEqualTo("failed");
        assertThat(barStatus("post_load_validation", 1)).isEqualTo("pending");
        assertThat(barStatus("cleanup", 1)).isEqualTo("pending");
        assertThat(text(By.id("step-counts"))).isEqualTo("4 completed, 1 failed, 0 skipped, 2 pending of 7");
        assertThat(text(By.cssSelector("#steps tr[data-step='cleanup']"))).contains("Cleanup", "pending");
        assertThat(browser.findElements(By.cssSelector("#history tr[data-event]")))
                .extracting(e -> e.getAttribute("data-event")).containsExactly("queued", "started", "failed");

        click(By.cssSelector("button[data-output-step='extract_data']"));
        WebElement output = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("step-output")));
        JsonNode fromApi = Api.json(api.get("/api/workflows/executions/" + run + "/steps/extract_data/output",
                DashboardWorld.OPERATOR, DashboardWorld.WS));
        assertThat(Api.JSON.readTree(output.getText())).isEqualTo(fromApi.get("output"));
        assertThat(fromApi.get("output").isNull()).isFalse();
        shot("run-pending-steps");
    }

    @Test
    @Order(5)
    void anOperatorCancelsARunningRunAndItCannotBeResumed() {
        String held = world.submit(ExampleWorkflows.BASIC_SEQUENCE,
                Map.of(DashboardWorld.HOLD_UNTIL_CANCELLED, "process"));
        open("#/run/" + held);
        wait.until(d -> "running".equals(barStatus("process", 1)));
        click(By.id("cancel-run"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-outcome='ok']"),
                "Cancel requested"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".run-head h1 .badge"), "data-status",
                "cancelled"));
        assertThat(barStatus("process", 1)).isEqualTo("cancelled");
        // Never scheduled: a planned step the run did not reach, pending (not a step run).
        assertThat(barStatus("finalize", 1)).isEqualTo("pending");
        assertThat(text(By.cssSelector("#history tr[data-event='cancelled']"))).contains("alice (operator)");
        assertThat(browser.findElements(By.cssSelector("button[data-resume-step]"))).isEmpty();
        assertThat(browser.findElements(By.id("cancel-run"))).isEmpty();
        assertThat(Api.json(api.get("/api/workflows/executions/" + held, DashboardWorld.OPERATOR)).get("status")
                .asText()).isEqualTo("cancelled");
        shot("run-cancelled");
    }

    @Test
    @Order(6)
    void aViewerFindsNoResumeAction() {
        logout();
        login(DashboardWorld.VIEWER);
        open("#/run/" + otherFailedRun);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#steps tr[data-step='finalize']")));
        assertThat(barStatus("finalize", 1)).isEqualTo("failed");
        assertThat(browser.findElements(By.cssSelector("[data-resume-step]"))).isEmpty();
        assertThat(browser.findElements(By.xpath("//button[contains(., 'Resume')]"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("[data-output-step]"))).isEmpty();
        assertThat(browser.findElement(By.id("who")).getText()).contains("viewer");
        shot("run-as-viewer");
    }

    @Test
    @Order(7)
    void theStatisticsOnThePageAreTheApis() {
        open("#/statistics?workflow=basic_sequence");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("stats")));
        String start = browser.findElement(By.id("start-date")).getAttribute("value");
        String end = browser.findElement(By.id("end-date")).getAttribute("value");
        JsonNode st = Api.json(api.get("/api/v1/statistics/execution-times?workflow_id=basic_sequence&start_date="
                + URLEncoder.encode(start, StandardCharsets.UTF_8) + "&end_date="
                + URLEncoder.encode(end, StandardCharsets.UTF_8), DashboardWorld.VIEWER));
        assertThat(st.get("count").asLong()).isPositive();
        assertThat(shown("count")).isEqualTo(st.get("count").asText());
        for (String key : List.of("avg", "median", "min", "max", "p95", "p99")) {
            String text = shown(key);
            assertThat(text).endsWith(" ms");
            assertThat(Double.parseDouble(text.replace(" ms", ""))).as(key)
                    .isCloseTo(st.get(key).asDouble(), org.assertj.core.data.Offset.offset(0.051));
        }
        // The workflow suggestions and the by-workflow table are the API's workflow list (in any
        // order: runs keep ending while the test reads, and the list is ordered by their count).
        JsonNode listed = Api.json(api.get("/api/workflows", DashboardWorld.VIEWER)).get("items");
        List<String> ids = new java.util.ArrayList<>();
        listed.forEach(w -> ids.add(w.get("workflow_id").asText()));
        assertThat(ids).contains("basic_sequence").hasSizeLessThanOrEqualTo(12);
        assertThat(browser.findElements(By.cssSelector("#stats-workflow-list option")))
                .extracting(o -> o.getAttribute("value")).containsExactlyInAnyOrderElementsOf(ids);
        // The by-workflow table is one group_by=workflow answer: the workflows with runs ended in the range.
        JsonNode grouped = Api.json(api.get("/api/v1/statistics/execution-times?group_by=workflow&start_date="
                + URLEncoder.encode(start, StandardCharsets.UTF_8) + "&end_date="
                + URLEncoder.encode(end, StandardCharsets.UTF_8), DashboardWorld.VIEWER));
        List<String> withRuns = new java.util.ArrayList<>();
        grouped.get("items").forEach(w -> withRuns.add(w.get("workflow_id").asText()));
        assertThat(withRuns).contains("basic_sequence").isSubsetOf(ids);
        assertThat(browser.findElements(By.cssSelector("#by-workflow tbody tr")))
                .extracting(row -> row.findElement(By.cssSelector("td a")).getText())
                .containsExactlyInAnyOrderElementsOf(withRuns);
        shot("statistics");
    }

    /**
     * Same order as the statistics tests: the overview's tiles are the API's figures (the current
     * rates apart from the period average), its throughput chart has complete buckets only, a
     * skipped step is counted apart, and every time on the page is local with its zone named.
     */
    @Test
    @Order(7)
    @SuppressWarnings("unchecked")
    void theOverviewsFiguresAreTheApisWithCompleteBucketsAndOneTimeConvention() throws Exception {
        // A conditional run the fast way skips the standard and thorough branches.
        String conditional = world.submit(ExampleWorkflows.CONDITIONAL_WORKFLOW, Map.of("mode", "fast"));
        assertThat(world.await(conditional).status()).isEqualTo(RunStatus.COMPLETED);
        String thorough = ExampleWorkflows.CONDITIONAL_WORKFLOW + ".thorough_process";

        JsonNode m = null;
        Map<String, Object> page = null;
        // The page and the API must answer for the same minute: a minute that turns between them is
        // read again. The tiles are redrawn by every execution_update, so the page is read in one go.
        for (int i = 0; i < 3; i++) {
            open("#/overview?tf=1h");
            browser.navigate().refresh();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-node='" + thorough + "']")));
            page = overviewAsShown(thorough);
            m = Api.json(api.get("/api/v1/execution-metrics?timeframe=1h", DashboardWorld.VIEWER));
            if (m.get("throughput").get("recentWindowEnd").asText().equals(page.get("windowEnd"))) {
                break;
            }
        }
        JsonNode t = m.get("throughput");
        assertThat(page.get("windowEnd")).isEqualTo(t.get("recentWindowEnd").asText());
        assertThat(page.get("throughputLabel")).isEqualTo("Throughput, last minute");
        assertThat(page.get("throughputValue")).isEqualTo(t.get("executionsLastMinute").asLong() + " / min");
        String hint = (String) page.get("throughputHint");
        assertThat(number(hint, "last 5 min ([0-9.]+) / min"))
                .isCloseTo(t.get("executionsPerMinuteLast5Minutes").asDouble(), org.assertj.core.data.Offset.offset(0.051));
        assertThat(number(hint, "period avg ([0-9.]+) / min"))
                .isCloseTo(t.get("executionsPerMinute").asDouble(), org.assertj.core.data.Offset.offset(0.0051));
        // A peak of one-minute buckets is a count: no decimals (none yet while every run ended this minute).
        if (t.get("peakThroughput").isNull()) {
            assertThat(hint).contains("peak — / min");
        } else {
            assertThat(hint).containsPattern("peak [0-9]+ / min");
            assertThat(number(hint, "peak ([0-9]+) / min")).isEqualTo(t.get("peakThroughput").get("value").asDouble());
        }
        assertThat(number((String) page.get("capacityValue"), "([0-9.]+) %"))
                .isCloseTo(t.get("capacityUtilizationLastMinute").asDouble(), org.assertj.core.data.Offset.offset(0.051));
        String capacityHint = (String) page.get("capacityHint");
        assertThat(number(capacityHint, "last 5 min ([0-9.]+) %"))
                .isCloseTo(t.get("capacityUtilizationLast5Minutes").asDouble(), org.assertj.core.data.Offset.offset(0.051));
        assertThat(number(capacityHint, "period avg ([0-9.]+) %"))
                .isCloseTo(t.get("capacityUtilization").asDouble(), org.assertj.core.data.Offset.offset(0.051));

        // The chart ends with the last complete bucket; the one in progress is said to be left out.
        JsonNode trend = t.get("throughputTrend");
        assertThat(trend.get(trend.size() - 1).get("complete").asBoolean()).isFalse();
        assertThat(page.get("chartPoints")).isEqualTo(String.valueOf(trend.size() - 1));
        assertThat(page.get("chartLast")).isEqualTo(trend.get(trend.size() - 2).get("timestamp").asText());
        assertThat((String) page.get("partial")).contains("Complete 1 min buckets only", "the current one");

        // The skipped branch: no executions, no failures, counted under Skipped.
        JsonNode node = null;
        for (JsonNode a : m.get("performance").get("byAgent")) {
            if (a.get("agentId").asText().equals(thorough)) {
                node = a;
            }
        }
        assertThat(node.get("skipped").asLong()).isPositive();
        assertThat(((List<Object>) page.get("nodeCells")).subList(0, 5)).containsExactly(thorough,
                String.valueOf(node.get("executions").asLong()), String.valueOf(node.get("failures").asLong()),
                "0.0 %", String.valueOf(node.get("skipped").asLong()));

        // One time convention: local time with the zone named, never an ISO instant in the text.
        String zone = (String) page.get("zone");
        assertThat(zone).isNotBlank();
        assertThat(page.get("zoneText")).isEqualTo("times in " + zone);
        for (String at : ((String) page.get("period")).split(" – ")) {
            assertThat(at).endsWith(zone);
        }
        assertThat((List<?>) page.get("anomalyTimes")).allSatisfy(at -> assertThat((String) at).endsWith(zone));
        assertThat(page.get("xLabel")).isEqualTo("time (" + zone + ")");
        assertThat((String) page.get("text")).doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T\\d{2}:");
        shot("overview-figures");
    }

    /** What the overview shows, read in one script so that no redraw falls between two reads. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> overviewAsShown(String node) {
        return (Map<String, Object>) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("""
                const q = (sel) => document.querySelector(sel);
                const tile = (key, part) => q(`[data-tile='${key}'] .tile-${part}`).textContent;
                const chart = q("svg[aria-label='Throughput over time']");
                const xLabel = [...chart.querySelectorAll('text')].map((e) => e.textContent)
                  .find((s) => s.startsWith('time ('));
                const anomalies = [...document.querySelectorAll('#anomalies tbody tr')]
                  .filter((r) => r.children.length > 1).map((r) => r.children[0].textContent);
                return {
                  windowEnd: q("[data-tile='throughput']").dataset.windowEnd,
                  throughputLabel: tile('throughput', 'label'), throughputValue: tile('throughput', 'value'),
                  throughputHint: tile('throughput', 'hint'), capacityValue: tile('capacity', 'value'),
                  capacityHint: tile('capacity', 'hint'),
                  chartPoints: chart.getAttribute('data-points'), chartLast: chart.getAttribute('data-last'),
                  xLabel, partial: q('#throughput-partial').textContent,
                  nodeCells: [...document.querySelectorAll(`tr[data-node='${arguments[0]}'] td`)].map((c) => c.textContent),
                  zone: new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date())
                    .find((p) => p.type === 'timeZoneName').value,
                  zoneText: q('#zone').textContent, period: q('#period').textContent, anomalyTimes: anomalies,
                  text: q('#view').innerText,
                };
                """, node);
    }

    /** The first group of {@code pattern} in {@code text}, as a number. */
    private static double number(String text, String pattern) {
        java.util.regex.Matcher found = java.util.regex.Pattern.compile(pattern).matcher(text);
        assertThat(found.find()).as("'%s' in '%s'", pattern, text).isTrue();
        return Double.parseDouble(found.group(1));
    }

    /** Same order as the statistics test above: both only read, as a viewer; which runs first does not matter. */
    @Test
    @Order(7)
    void theTrendChartAndTheStepTableAreTheApisAndShowSkippedSteps() throws Exception {
        assertThat(world.seedHistory(7)).isGreaterThan(200);
        List<String> conditional = List.of(
                world.submit(ExampleWorkflows.CONDITIONAL_WORKFLOW, Map.of("mode", "fast")),
                world.submit(ExampleWorkflows.CONDITIONAL_WORKFLOW, Map.of("mode", "thorough")),
                world.submit(ExampleWorkflows.CONDITIONAL_WORKFLOW, Map.of("mode", "standard",
                        ExampleWorkflows.FAIL_STEP, "standard_process")));
        for (String run : conditional) {
            world.await(run);
        }

        open("#/statistics?workflow=basic_sequence");
        WebElement chart = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#trend svg.trend")));
        String range = "&start_date=" + browser.findElement(By.id("start-date")).getAttribute("value")
                + "&end_date=" + browser.findElement(By.id("end-date")).getAttribute("value");
        JsonNode trend = Api.json(api.get("/api/v1/statistics/execution-times/trend?workflow_id=basic_sequence" + range,
                DashboardWorld.VIEWER));
        assertThat(chart.getAttribute("data-bucket")).isEqualTo("day").isEqualTo(trend.get("bucket").asText());
        assertTrendShown(trend);
        assertThat(trend.get("buckets")).hasSize(7);
        assertThat(trend.get("count").asLong()).isGreaterThan(200);
        scrollTo(By.id("trend"));
        shot("statistics-trend");

        JsonNode steps = Api.json(api.get("/api/v1/statistics/steps?workflow_id=basic_sequence" + range,
                DashboardWorld.VIEWER));
        assertStepsShown(steps);
        JsonNode process = steps.get("steps").get(1);
        assertThat(process.get("step_id").asText()).isEqualTo("process");
        assertThat(process.get("failed").asLong()).isPositive();
        scrollTo(By.id("step-stats"));
        shot("statistics-steps");

        click(By.cssSelector("#trend-bucket a[data-bucket='hour']"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#trend svg.trend"), "data-bucket", "hour"));
        JsonNode hourly = Api.json(api.get("/api/v1/statistics/execution-times/trend?workflow_id=basic_sequence"
                + range + "&bucket=hour", DashboardWorld.VIEWER));
        assertThat(hourly.get("buckets")).hasSize(7 * 24);
        assertTrendShown(hourly);
        scrollTo(By.id("trend"));
        shot("statistics-trend-hourly");

        open("#/statistics?workflow=conditional_workflow");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#step-stats tr[data-step]")));
        JsonNode branches = Api.json(api.get("/api/v1/statistics/steps?workflow_id=conditional_workflow" + range,
                DashboardWorld.VIEWER));
        assertStepsShown(branches);
        // Each run takes one of the three mode branches and skips the other two.
        long skipped = 0;
        for (JsonNode step : branches.get("steps")) {
            skipped += step.get("skipped").asLong();
        }
        assertThat(skipped).isEqualTo(6);
        assertThat(cells("standard_process").get(2)).isEqualTo("1");
        scrollTo(By.id("step-stats"));
        shot("statistics-steps-skipped");

        open("#/statistics");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("step-stats-hint")));
        JsonNode all = Api.json(api.get("/api/v1/statistics/execution-times/trend?" + range.substring(1),
                DashboardWorld.VIEWER));
        assertThat(all.get("workflow_id").isNull()).isTrue();
        assertTrendShown(all);
    }

    /** The trend chart has one bar per bucket of the API's answer, with its count, and its median and p95 dots. */
    static void assertTrendShown(JsonNode trend) {
        List<WebElement> bars = browser.findElements(By.cssSelector("#trend rect.trend-count"));
        assertThat(bars).hasSize(trend.get("buckets").size());
        List<Double> medians = new java.util.ArrayList<>();
        for (int i = 0; i < bars.size(); i++) {
            JsonNode bucket = trend.get("buckets").get(i);
            assertThat(bars.get(i).getAttribute("data-start")).isEqualTo(bucket.get("start").asText());
            assertThat(bars.get(i).getAttribute("data-count")).isEqualTo(bucket.get("count").asText());
            if (!bucket.get("median").isNull()) {
                medians.add(bucket.get("median").asDouble());
            }
        }
        List<Double> shown = browser.findElements(By.cssSelector("#trend circle.trend-median")).stream()
                .map(dot -> Double.parseDouble(dot.getAttribute("data-median"))).toList();
        assertThat(shown).hasSameSizeAs(medians);
        for (int i = 0; i < shown.size(); i++) {
            assertThat(shown.get(i)).isCloseTo(medians.get(i), org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(browser.findElements(By.cssSelector("#trend circle.trend-p95"))).hasSameSizeAs(medians);
    }

    /** The step table lists the API's steps in its order, with its counts, failure rate and median. */
    static void assertStepsShown(JsonNode steps) {
        List<String> ids = new java.util.ArrayList<>();
        steps.get("steps").forEach(step -> ids.add(step.get("step_id").asText()));
        assertThat(browser.findElements(By.cssSelector("#step-stats tbody tr")))
                .extracting(row -> row.getAttribute("data-step")).containsExactlyElementsOf(ids);
        for (JsonNode step : steps.get("steps")) {
            List<String> cells = cells(step.get("step_id").asText());
            assertThat(cells.get(0)).isEqualTo(step.get("step_name").asText());
            assertThat(cells.get(1)).isEqualTo(step.get("count").asText());
            assertThat(cells.get(2)).isEqualTo(step.get("failed").asText());
            assertThat(Double.parseDouble(cells.get(3).replace(" %", ""))).isCloseTo(
                    step.get("failure_rate").asDouble(), org.assertj.core.data.Offset.offset(0.051));
            assertThat(cells.get(4)).isEqualTo(step.get("skipped").asText());
            if (step.get("median").isNull()) {
                assertThat(cells.get(5)).isEqualTo("—");
            } else {
                assertThat(Double.parseDouble(cells.get(5))).isCloseTo(step.get("median").asDouble(),
                        org.assertj.core.data.Offset.offset(0.051));
            }
        }
    }

    static List<String> cells(String stepId) {
        return browser.findElements(By.cssSelector("#step-stats tr[data-step='" + stepId + "'] td")).stream()
                .map(WebElement::getText).toList();
    }

    static void scrollTo(By by) {
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()",
                browser.findElement(by));
    }

    @Test
    @Order(8)
    void aResumeThatLostARaceShowsTheServersReason() throws Exception {
        logout();
        login(DashboardWorld.OPERATOR);
        open("#/run/" + otherFailedRun);
        click(By.cssSelector("button[data-resume-step='finalize']"));
        click(By.id("resume-next"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("resume-confirm")));
        // Meanwhile someone else resumes the run, and it completes.
        HttpResponse<String> other = api.post("/api/workflows/executions/" + otherFailedRun + "/resume",
                DashboardWorld.OPERATOR, null, "{\"step_id\":\"finalize\",\"input_overrides\":{\"fail_step\":null}}");
        assertThat(other.statusCode()).isEqualTo(202);
        assertThat(world.await(otherFailedRun).status()).isEqualTo(RunStatus.COMPLETED);
        click(By.id("resume-confirm"));
        WebElement outcome = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-outcome='error']")));
        assertThat(outcome.getText()).startsWith("Resume refused (422 run_not_resumable)");
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".run-head h1 .badge"), "data-status",
                "completed"));
        shot("run-resume-refused");
    }

    @Test
    @Order(9)
    void tooManyRequestsIsAMessageWithTheWaitNotABlankPage() {
        // A second server on the same runs whose rate limit allows two requests, then one per 1,000 s.
        MetricsHttpServer limited = MetricsHttpServer.builder(world.store).port(0).views(world.views)
                .token(DashboardWorld.VIEWER, "victor (viewer)", Role.VIEWER, DashboardWorld.WS)
                .rateLimit(2, 0.001).build();
        limited.start();
        try {
            String url = "http://127.0.0.1:" + limited.port() + "/";
            browser.get(url + "#/login");
            type(By.id("token"), DashboardWorld.VIEWER);
            click(By.id("login-submit"));
            wait.until(ExpectedConditions.urlContains("#/overview"));
            browser.get(url + "#/statistics");
            WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-panel")));
            assertThat(error.getText()).contains("Too many requests", "try again in");
            shot("too-many-requests");
        } finally {
            limited.stop();
        }
    }

    @Test
    @Order(10)
    void anUnknownRunIsAMessageNotABlankPage() {
        open("#/run/01a20000-0000-7000-8000-000000000000");
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-panel")));
        assertThat(error.getText()).contains("Error 404", "Not found");
        shot("error-404");
    }

    @Test
    @Order(11)
    void anInvalidatedSessionGoesBackToTheLoginWithAMessage() {
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "sessionStorage.setItem('runmetrics.token', 'expired-token-0000000000')");
        open("#/overview");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "expired or invalid"));
    }

    @Test
    @Order(12)
    void aServerThatIsGoneIsSaidSo() {
        login(DashboardWorld.OPERATOR);
        open("#/run/" + otherFailedRun);
        wait.until(ExpectedConditions.textToBe(By.id("conn"), "live updates: connected"));
        world.server.stop();
        wait.until(ExpectedConditions.attributeToBe(By.id("conn"), "data-state", "retrying"));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("location.hash = '#/runs'");
        WebElement error = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-panel")));
        assertThat(error.getText()).contains("Server unreachable", "cannot be reached");
        shot("server-gone");
    }

    /** A script error fails the test; failed requests (the 401s, 404s and the stopped server) are expected. */
    @AfterEach
    void noScriptErrors() {
        assertThat(dashboard.scriptErrors()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    static void login(String token) {
        dashboard.login(token);
    }

    static void logout() {
        dashboard.logout();
    }

    static void open(String hash) {
        dashboard.open(hash);
    }

    /** The status the Gantt chart shows for a step of an attempt (waits for the bar to exist). */
    static String barStatus(String step, int attempt) {
        return dashboard.barStatus(step, attempt);
    }

    /** An element's text, read again if the page redrew it meanwhile. */
    static String text(By by) {
        return dashboard.text(by);
    }

    static String shown(String key) {
        return browser.findElement(By.cssSelector("#stats [data-value='" + key + "']")).getText();
    }

    static void type(By by, String text) {
        dashboard.type(by, text);
    }

    static void click(By by) {
        dashboard.click(by);
    }

    static void shot(String name) {
        dashboard.shot(name);
    }
}
