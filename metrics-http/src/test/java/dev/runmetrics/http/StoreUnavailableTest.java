package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.store.DurationBreakdown;
import dev.runmetrics.core.store.DurationQuery;
import dev.runmetrics.core.store.ForwardingRunStore;
import dev.runmetrics.core.store.Page;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.core.store.RunStoreException;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import dev.runmetrics.core.store.StepDurationQuery;
import dev.runmetrics.core.store.StepDurationReport;
import dev.runmetrics.core.store.StoreHealth;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * While the run store is unavailable, every endpoint that reads it answers 503
 * {@code store_unavailable} with {@code Retry-After}, at once (not a hang, not a 500), and
 * {@code /health} says "degraded" and why; the other endpoints are unaffected. (The JDBC store's
 * own bounds against a hung PostgreSQL are tested in metrics-jdbc and, end to end, in examples.)
 */
class StoreUnavailableTest {

    static final Instant SINCE = Instant.parse("2026-05-04T12:00:00Z");

    /** A store whose database is down: reads throw as the JDBC store does, health says so. */
    static final class DownStore extends ForwardingRunStore {
        volatile boolean down;
        volatile boolean brokenOtherwise;

        DownStore() {
            super(new InMemoryRunStore());
        }

        private void check() {
            if (brokenOtherwise) {
                throw new RunStoreException("reading failed: syntax error at or near \"SELEC\"");
            }
            if (down) {
                throw new RunStoreUnavailableException("reading: the database is unavailable", Duration.ofSeconds(3),
                        null);
            }
        }

        @Override
        public StoreHealth health() {
            return down ? StoreHealth.unavailable("database unavailable: no answer within 1000 ms", SINCE)
                    : StoreHealth.up();
        }

        @Override
        public Optional<Run> findRun(String workspaceId, String runId) {
            check();
            return super.findRun(workspaceId, runId);
        }

        @Override
        public List<StepRun> findSteps(String workspaceId, String runId) {
            check();
            return super.findSteps(workspaceId, runId);
        }

        @Override
        public Page<Run> findRuns(String workspaceId, RunQuery query) {
            check();
            return super.findRuns(workspaceId, query);
        }

        @Override
        public List<Run> liveRuns(String workspaceId, int limit) {
            check();
            return super.liveRuns(workspaceId, limit);
        }

        @Override
        public List<ControlAudit> findControlAudit(String workspaceId, String runId) {
            check();
            return super.findControlAudit(workspaceId, runId);
        }

        @Override
        public List<Rollup> rollups(String workspaceId, RollupQuery query) {
            check();
            return super.rollups(workspaceId, query);
        }

        @Override
        public DurationBreakdown exactDurations(String workspaceId, DurationQuery query) {
            check();
            return super.exactDurations(workspaceId, query);
        }

        @Override
        public StepDurationReport stepDurations(String workspaceId, StepDurationQuery query) {
            check();
            return super.stepDurations(workspaceId, query);
        }
    }

    static DownStore store;
    static MetricsHttpServer server;
    static Api api;

    @BeforeAll
    static void start() {
        store = new DownStore();
        server = Api.withTokens(MetricsHttpServer.builder(store)).port(0)
                .views(RunViews.builder(store).workerCapacity(1).build())
                .resumeHandler((ws, actor, run, step, overrides) -> new ResumeResult.Refused(
                        ResumeResult.Reason.UNAVAILABLE, "the store could not be read: down", 0))
                .pause((ws, run, reason) -> true).noRateLimit().build();
        server.start();
        api = new Api(server.port());
    }

    @BeforeEach
    void storeUp() {
        store.down = false;
        store.brokenOtherwise = false;
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/workflows/basic_sequence/executions", "/api/workflows/basic_sequence/metrics",
            "/api/workflows", "/api/v1/statistics/execution-times", "/api/v1/execution-metrics",
            "/api/v1/statistics/execution-times/trend", "/api/v1/statistics/steps?workflow_id=basic_sequence",
            "/api/workflows/executions/0190a1b2-0000-7000-8000-000000000001",
            "/api/workflows/executions/0190a1b2-0000-7000-8000-000000000001/timeline",
            "/api/workflows/executions/0190a1b2-0000-7000-8000-000000000001/resume-audit"})
    void aStoreBackedEndpointAnswers503WithRetryAfterWhileTheStoreIsUnavailable(String path) {
        store.down = true;
        long t = System.nanoTime();
        HttpResponse<String> r = api.get(path, VIEWER_A, WS_A);
        long millis = (System.nanoTime() - t) / 1_000_000;

        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("3");
        JsonNode e = json(r).get("error");
        assertThat(e.get("code").asText()).isEqualTo("store_unavailable");
        assertThat(e.get("message").asText()).contains("run store is unavailable").contains("retry after 3 s");
        assertThat(millis).isLessThan(2_000);

        store.down = false;
        assertThat(api.get(path, VIEWER_A, WS_A).statusCode()).isIn(200, 404);
    }

    @Test
    void healthIsDegradedWithTheReasonWhileTheStoreIsUnavailable() {
        HttpResponse<String> ok = api.get("/health", null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).get("status").asText()).isEqualTo("ok");
        assertThat(json(ok).has("reason")).isFalse();

        store.down = true;
        HttpResponse<String> degraded = api.get("/health", null);
        assertThat(degraded.statusCode()).isEqualTo(200);
        JsonNode body = json(degraded);
        assertThat(body.get("status").asText()).isEqualTo("degraded");
        assertThat(body.get("reason").asText()).isEqualTo("run store unavailable: database unavailable: no answer"
                + " within 1000 ms");
        assertThat(body.get("since").asText()).isEqualTo("2026-05-04T12:00:00Z");
        // What does not need the store still answers.
        assertThat(api.get("/api/v1/me", VIEWER_A, WS_A).statusCode()).isEqualTo(200);
    }

    @Test
    void aResumeOrPauseThatCannotReadTheStoreIs503WithRetryAfter() {
        store.down = true;
        HttpResponse<String> resume = api.post("/api/workflows/executions/0190a1b2-0000-7000-8000-000000000001/resume",
                OPERATOR_A, WS_A, "{\"step_id\":\"process\"}");
        assertThat(resume.statusCode()).isEqualTo(503);
        assertThat(resume.headers().firstValue("Retry-After")).hasValue("1");
        HttpResponse<String> pause = api.post("/api/workflows/executions/0190a1b2-0000-7000-8000-000000000001/pause",
                OPERATOR_A, WS_A, "{}");
        assertThat(pause.statusCode()).isEqualTo(503);
        assertThat(json(pause).get("error").get("code").asText()).isEqualTo("store_unavailable");
    }

    @Test
    void anyOtherStoreFailureIs503WithAnErrorIdAndNoDetails() {
        store.brokenOtherwise = true;
        HttpResponse<String> r = api.get("/api/workflows/basic_sequence/executions", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        String id = r.headers().firstValue("X-Error-Id").orElseThrow();
        assertThat(json(r).get("error").get("message").asText()).contains(id);
        assertThat(r.body()).doesNotContain("SELEC").doesNotContain("RunStoreException");
    }

    @Test
    void theOpenApiDocumentDescribesTheStoresUnavailable503() {
        // Described once for every store-backed path (like 405, HEAD and OPTIONS), because the contract
        // test answers every status an operation lists, and it runs on a store that is up.
        JsonNode doc = json(api.get("/openapi.json", null));
        assertThat(doc.get("info").get("description").asText()).contains("503").contains("store_unavailable")
                .contains("Retry-After");
        assertThat(doc.get("paths").get("/health").get("get").get("responses").has("503")).isFalse();
    }
}
