package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.OPERATOR_B;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.WS_B;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.StepDefinition;
import dev.runmetrics.core.flow.WorkflowDefinition;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlAudit;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.RunStore;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every resume, pause and cancel request naming a run of a workspace is accounted for, end to end:
 * a real server and the reference runner over the store under test, called by a real HTTP client.
 * Extended once per store (in memory here, PostgreSQL in metrics-jdbc); a fresh server per test,
 * so its counters start at zero.
 */
public abstract class ControlAuditContract {

    /** The store under test; may be shared by every test (each uses fresh runs). */
    protected abstract RunStore store();

    /** Waits until every snapshot write accepted so far is visible to reads. */
    protected void awaitWrites() {
    }

    private final CountDownLatch release = new CountDownLatch(1);
    private MetricsHttpServer server;
    private WorkflowRunner runner;
    private Api api;

    @BeforeEach
    void start() {
        MetricsHttpServer.Builder builder = Api.withTokens(MetricsHttpServer.builder(store())).port(0);
        RunRecorder recorder = RunRecorder.builder(store()).listener(builder.runListener()).build();
        WorkflowDefinition failing = WorkflowDefinition.builder("failing")
                .step(StepDefinition.builder("a", in -> Map.of("n", 1)).build())
                .step(StepDefinition.builder("b", in -> {
                    throw new IllegalStateException("boom");
                }).dependsOn("a").build())
                .build();
        WorkflowDefinition slow = WorkflowDefinition.builder("slow")
                .step(StepDefinition.builder("wait", in -> {
                    release.await(30, TimeUnit.SECONDS);
                    return Map.of();
                }).build())
                .build();
        runner = WorkflowRunner.builder(recorder, store()).workers(2).workflow(failing).workflow(slow).build();
        server = builder.resumeHandler(runner).pause(runner::pause).cancel(runner::cancel).build();
        server.start();
        api = new Api(server.port());
    }

    @AfterEach
    void stop() {
        release.countDown();
        runner.close();
        server.stop();
    }

    private String failedRun(String ws) throws Exception {
        String run = runner.submit(ws, "failing", Map.of("x", 1));
        RunOutcome outcome = runner.completion(ws, run).orElseThrow().get(20, TimeUnit.SECONDS);
        assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
        awaitWrites();
        return run;
    }

    private String runningRun(String ws) throws Exception {
        String run = runner.submit(ws, "slow", Map.of());
        eventually(() -> store().findRun(ws, run).map(r -> r.status() == RunStatus.RUNNING).orElse(false));
        return run;
    }

    /** A well-formed run id (UUIDv7) that no store holds. */
    private static String unknownRunId() {
        return "018f0000-0000-7000-8000-" + UUID.randomUUID().toString().substring(24);
    }

    private static String path(String run, String action) {
        return "/api/workflows/executions/" + run + "/" + action;
    }

    private HttpResponse<String> post(String run, String action, String token, String json, String... headers) {
        HttpRequest.Builder b = api.request(path(run, action), token).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return api.send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private List<ControlAudit> audit(String ws, String run) {
        return store().findControlAudit(ws, run);
    }

    /** The counter's sample for one series, as served by /metrics to the operator of ws-a and ws-b. */
    private long counted(String ws, String action, String outcome) {
        String token = ws.equals(WS_A) ? OPERATOR_A : OPERATOR_B;
        String series = "runmetrics_control_actions_total{workspace=\"" + ws + "\",action=\"" + action
                + "\",outcome=\"" + outcome + "\"} ";
        for (String line : api.get("/metrics", token).body().split("\n")) {
            if (line.startsWith(series)) {
                return Long.parseLong(line.substring(series.length()));
            }
        }
        throw new AssertionError("no series " + series);
    }

    private static void eventually(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aViewersResumeIsAuditedAsForbidden() throws Exception {
        String run = failedRun(WS_A);
        HttpResponse<String> r = post(run, "resume", VIEWER_A, "{\"step_id\":\"b\"}", "X-Workspace-Id", WS_A);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(audit(WS_A, run)).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo(ControlAction.RESUME);
            assertThat(a.outcome()).isEqualTo(ControlOutcome.FORBIDDEN);
            assertThat(a.actor()).isEqualTo("viewer-a");
            assertThat(a.stepId()).isNull(); // a refused caller's body is not read
            assertThat(a.reason()).contains("viewer");
        });
        assertThat(counted(WS_A, "resume", "forbidden")).isEqualTo(1);
        assertThat(store().findRun(WS_A, run).orElseThrow().attempt()).isEqualTo(1); // nothing was resumed
    }

    @Test
    void aRequestWithAnInvalidTokenNamingTheWorkspaceIsAuditedAsUnauthenticated() throws Exception {
        String run = failedRun(WS_A);
        HttpResponse<String> bad = post(run, "resume", "not-a-token-at-all", "{\"step_id\":\"b\"}",
                "X-Workspace-Slug", "acme");
        HttpResponse<String> none = post(run, "cancel", null, "{}", "X-Workspace-Id", WS_A);

        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(none.statusCode()).isEqualTo(401);
        eventually(() -> audit(WS_A, run).size() == 2);
        assertThat(audit(WS_A, run)).extracting(ControlAudit::action, ControlAudit::actor, ControlAudit::outcome,
                ControlAudit::stepId).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(ControlAction.RESUME, ControlAudit.INVALID_TOKEN,
                                ControlOutcome.UNAUTHENTICATED, null),
                        org.assertj.core.groups.Tuple.tuple(ControlAction.CANCEL, ControlAudit.ANONYMOUS,
                                ControlOutcome.UNAUTHENTICATED, null));
        assertThat(counted(WS_A, "resume", "unauthenticated")).isEqualTo(1);
        assertThat(counted(WS_A, "cancel", "unauthenticated")).isEqualTo(1);
    }

    @Test
    void anUnauthenticatedRequestIsNotWrittenWhereItCannotBeAttributed() throws Exception {
        String run = failedRun(WS_A);
        HttpResponse<String> noWorkspace = post(run, "resume", "not-a-token-at-all", "{\"step_id\":\"b\"}");
        HttpResponse<String> otherWorkspace = post(run, "pause", null, "{}", "X-Workspace-Slug", "beta");
        HttpResponse<String> unknownWorkspace = post(run, "pause", null, "{}", "X-Workspace-Id", "ws-nowhere");
        HttpResponse<String> unknownRun = post(unknownRunId(), "pause", null, "{}",
                "X-Workspace-Slug", "beta");
        // Audits of unauthenticated requests are written in order, off the request thread: once this
        // attributable one is in, every one before it was decided.
        post(run, "cancel", null, "{}", "X-Workspace-Id", WS_A);
        eventually(() -> audit(WS_A, run).size() == 1);

        assertThat(audit(WS_A, run)).singleElement().satisfies(a -> assertThat(a.action())
                .isEqualTo(ControlAction.CANCEL));
        assertThat(audit(WS_B, run)).isEmpty();
        assertThat(audit("ws-nowhere", run)).isEmpty();
        // The answer is the same whether or not the named workspace holds the run.
        for (HttpResponse<String> r : List.of(noWorkspace, otherWorkspace, unknownWorkspace, unknownRun)) {
            assertThat(r.statusCode()).isEqualTo(401);
        }
        assertThat(otherWorkspace.body()).isEqualTo(unknownRun.body());
        assertThat(counted(WS_B, "pause", "unauthenticated")).isZero();
        assertThat(counted(WS_A, "pause", "unauthenticated")).isZero();
    }

    @Test
    void pauseAndCancelAreAuditedWithTheirOutcomes() throws Exception {
        String running = runningRun(WS_A);
        String failed = failedRun(WS_A);

        assertThat(post(running, "pause", OPERATOR_A, "{\"reason\":\"maintenance\"}").statusCode()).isEqualTo(202);
        assertThat(post(failed, "cancel", OPERATOR_A, "{\"reason\":\"tidy up\"}").statusCode()).isEqualTo(409);
        assertThat(post(failed, "pause", OPERATOR_A, "{\"why\":\"typo\"}").statusCode()).isEqualTo(400);
        assertThat(post(failed, "cancel", OPERATOR_A, "{not json").statusCode()).isEqualTo(400);

        assertThat(audit(WS_A, running)).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo(ControlAction.PAUSE);
            assertThat(a.outcome()).isEqualTo(ControlOutcome.ACCEPTED);
            assertThat(a.actor()).isEqualTo("operator-a");
            assertThat(a.reason()).isEqualTo("maintenance");
            assertThat(a.stepId()).isNull();
        });
        assertThat(audit(WS_A, failed)).extracting(ControlAudit::action, ControlAudit::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ControlAction.CANCEL, ControlOutcome.REFUSED),
                org.assertj.core.groups.Tuple.tuple(ControlAction.PAUSE, ControlOutcome.INVALID),
                org.assertj.core.groups.Tuple.tuple(ControlAction.CANCEL, ControlOutcome.INVALID));
        assertThat(audit(WS_A, failed).get(0).reason()).contains("is not running here");
        assertThat(counted(WS_A, "pause", "accepted")).isEqualTo(1);
        assertThat(counted(WS_A, "cancel", "refused")).isEqualTo(1);
        assertThat(counted(WS_A, "pause", "invalid")).isEqualTo(1);
        assertThat(counted(WS_A, "cancel", "invalid")).isEqualTo(1);
        assertThat(counted(WS_A, "cancel", "accepted")).isZero();
    }

    @Test
    void aResumeIsAuditedWithItsOverridesAndTheAuditReadShowsThem() throws Exception {
        String run = failedRun(WS_A);
        HttpResponse<String> r = post(run, "resume", OPERATOR_A,
                "{\"step_id\":\"b\",\"input_overrides\":{\"api_key\":\"s3cr3t\",\"limit\":5}}");
        assertThat(r.statusCode()).isEqualTo(202);
        runner.completion(WS_A, run).orElseThrow().get(20, TimeUnit.SECONDS);
        awaitWrites();

        assertThat(audit(WS_A, run)).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(ControlOutcome.ACCEPTED);
            assertThat(a.stepId()).isEqualTo("b");
            assertThat(a.attempt()).isEqualTo(2);
            assertThat(a.inputOverrides()).isEqualTo(Map.of("api_key", "s3cr3t", "limit", 5L));
        });
        JsonNode items = json(api.get(path(run, "resume-audit"), OPERATOR_A, WS_A)).get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("action").asText()).isEqualTo("resume");
        assertThat(items.get(0).get("outcome").asText()).isEqualTo("accepted");
        assertThat(items.get(0).get("input_overrides").get("limit").asInt()).isEqualTo(5);
        assertThat(counted(WS_A, "resume", "accepted")).isEqualTo(1);
    }

    @Test
    void anotherWorkspacesRunIsNotAuditedIntoTheCallersAndTheAnswerDoesNotRevealIt() throws Exception {
        String theirs = failedRun(WS_A);
        String nobodys = unknownRunId();
        for (String action : List.of("resume", "pause", "cancel")) {
            String body = action.equals("resume") ? "{\"step_id\":\"b\"}" : "{}";
            HttpResponse<String> other = post(theirs, action, OPERATOR_B, body);
            HttpResponse<String> unknown = post(nobodys, action, OPERATOR_B, body);
            assertThat(other.statusCode()).as(action).isEqualTo(404);
            assertThat(other.body().replace(theirs, nobodys)).as(action).isEqualTo(unknown.body());
            assertThat(counted(WS_B, action, "not_found")).as(action).isEqualTo(2);
        }
        assertThat(audit(WS_B, theirs)).isEmpty();
        assertThat(audit(WS_B, nobodys)).isEmpty();
        assertThat(audit(WS_A, theirs)).isEmpty();
        assertThat(counted(WS_A, "resume", "not_found")).isZero();
    }

    @Test
    void everySeriesStartsAtZero() {
        String text = api.get("/metrics", OPERATOR_A).body();
        assertThat(text).contains("# TYPE runmetrics_control_actions_total counter\n");
        for (ControlAction action : ControlAction.values()) {
            for (ControlOutcome outcome : ControlOutcome.values()) {
                assertThat(text).contains("runmetrics_control_actions_total{workspace=\"ws-a\",action=\""
                        + action.name().toLowerCase(java.util.Locale.ROOT) + "\",outcome=\""
                        + outcome.name().toLowerCase(java.util.Locale.ROOT) + "\"} 0\n");
            }
        }
        assertThat(text).doesNotContain("workspace=\"ws-b\"");
    }
}
