package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import dev.runmetrics.core.views.RunViews;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The live overview's figures over HTTP, on a clock that stands still at 10:30:30: the current
 * rates next to the period averages, the trend's bucket in progress marked, and a node's skipped
 * steps counted apart; every response conforms to the OpenAPI document.
 */
class LiveOverviewFiguresTest {
    private static final Instant NOW = Instant.parse("2026-03-02T10:30:30Z");

    private final InMemoryRunStore store = new InMemoryRunStore();
    private final ManualClock clock = new ManualClock(NOW);
    private MetricsHttpServer server;
    private Api api;

    @BeforeEach
    void start() {
        RunViews views = RunViews.builder(store).clock(clock).workerCapacity(2).build();
        server = Api.withTokens(MetricsHttpServer.builder(store)).port(0).views(views).build();
        server.start();
        api = new Api(server.port());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** Six runs of 10 s a minute from 10:00, twelve in 10:29 and twenty so far in 10:30. */
    private void steadyLoadWithABusyLastMinute() {
        for (Instant m = Instant.parse("2026-03-02T10:00:00Z"); !m.isAfter(Instant.parse("2026-03-02T10:30:00Z"));
                m = m.plusSeconds(60)) {
            int n = m.equals(Instant.parse("2026-03-02T10:30:00Z")) ? 20
                    : m.equals(Instant.parse("2026-03-02T10:29:00Z")) ? 12 : 6;
            for (int i = 0; i < n; i++) {
                store.saveRun(WS_A, RunFixtures.ended(WS_A, "etl", m.plusSeconds(i), Duration.ZERO,
                        Duration.ofSeconds(10), RunStatus.COMPLETED));
            }
        }
    }

    private JsonNode overview() {
        HttpResponse<String> r = api.get("/api/v1/execution-metrics?timeframe=1h", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(OpenApiContract.of(api).check(r)).isEmpty();
        return json(r);
    }

    @Test
    void theCurrentRatesAndThePeriodAveragesAreSeparateFields() {
        steadyLoadWithABusyLastMinute();

        JsonNode t = overview().get("throughput");

        assertThat(t.get("recentWindowEnd").asText()).isEqualTo("2026-03-02T10:30:00Z");
        assertThat(t.get("executionsLastMinute").asLong()).isEqualTo(12);
        assertThat(t.get("executionsPerMinuteLast5Minutes").asDouble()).isCloseTo(7.2, within(1e-9));
        assertThat(t.get("capacityUtilizationLastMinute").asDouble()).isCloseTo(100.0, within(0.1));
        assertThat(t.get("capacityUtilizationLast5Minutes").asDouble()).isCloseTo(60.0, within(0.1));
        // the period average: 206 runs over the 59.5 elapsed minutes of the hour
        assertThat(t.get("executionsPerMinute").asDouble()).isCloseTo(206 / 59.5, within(1e-9));
        assertThat(t.get("executionsPerDay").asDouble()).isCloseTo(206 / 59.5 * 1440, within(1e-6));
    }

    @Test
    void theTrendMarksItsBucketInProgressAndThePeakIsAComplete() {
        steadyLoadWithABusyLastMinute();

        JsonNode t = overview().get("throughput");

        JsonNode trend = t.get("throughputTrend");
        assertThat(trend).hasSize(60);
        JsonNode last = trend.get(59);
        assertThat(last.get("timestamp").asText()).isEqualTo("2026-03-02T10:30:00Z");
        assertThat(last.get("complete").asBoolean()).isFalse();
        for (int i = 0; i < 59; i++) {
            assertThat(trend.get(i).get("complete").asBoolean()).as("bucket %d", i).isTrue();
        }
        assertThat(t.get("peakThroughput").get("timestamp").asText()).isEqualTo("2026-03-02T10:29:00Z");
        assertThat(t.get("peakThroughput").get("value").asDouble()).isEqualTo(12.0);
    }

    @Test
    void aNodesSkippedStepsAreCountedApartFromItsExecutions() {
        Instant at = Instant.parse("2026-03-02T10:10:00Z");
        store.saveStep(WS_A, RunFixtures.step(WS_A, "r0", "thorough", 1, "thorough", 1, RunStatus.COMPLETED, at,
                Duration.ofSeconds(1), Map.of()));
        for (int i = 1; i <= 6; i++) {
            Instant skippedAt = at.plusSeconds(i);
            store.saveStep(WS_A, RunFixtures.stepBuilder(WS_A, "r" + i, "thorough", 1, "thorough", skippedAt)
                    .status(RunStatus.SKIPPED).completedAt(skippedAt).updatedAt(skippedAt).build());
        }

        JsonNode node = overview().get("performance").get("byAgent").get(0);

        assertThat(node.get("agentId").asText()).isEqualTo("thorough");
        assertThat(node.get("executions").asLong()).isEqualTo(1);
        assertThat(node.get("skipped").asLong()).isEqualTo(6);
        assertThat(node.get("failures").asLong()).isZero();
        assertThat(node.get("successRate").asDouble()).isEqualTo(100.0);
        assertThat(node.get("errorRate").asDouble()).isZero();
    }

    @Test
    void theOpenApiDocumentSaysWhichFiguresArePeriodAveragesAndWhichAreCurrent() {
        JsonNode schemas = json(api.get("/openapi.json", null)).get("components").get("schemas");
        JsonNode throughput = schemas.get("Throughput").get("properties");
        assertThat(throughput.get("executionsPerMinute").get("description").asText()).startsWith("Period average");
        assertThat(throughput.get("capacityUtilization").get("description").asText()).startsWith("Period average");
        assertThat(throughput.get("executionsLastMinute").get("description").asText()).startsWith("Current rate");
        assertThat(throughput.get("capacityUtilizationLast5Minutes").get("description").asText())
                .startsWith("Current");
        assertThat(schemas.get("AgentPerformance").get("properties").get("skipped").get("description").asText())
                .contains("neither a success nor a failure");
    }
}
