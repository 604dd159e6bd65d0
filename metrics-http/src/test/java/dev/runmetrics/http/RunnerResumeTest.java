package dev.runmetrics.http;

import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.StepDefinition;
import dev.runmetrics.core.flow.WorkflowDefinition;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Resume, pause and cancel end to end through the reference WorkflowRunner. */
class RunnerResumeTest {

    static final InMemoryRunStore store = new InMemoryRunStore();
    static volatile boolean failB = true;
    static volatile CountDownLatch holdB = new CountDownLatch(0);
    static final CountDownLatch release = new CountDownLatch(1);
    static MetricsHttpServer server;
    static WorkflowRunner runner;
    static Api api;

    @BeforeAll
    static void start() {
        MetricsHttpServer.Builder builder = Api.withTokens(MetricsHttpServer.builder(store)).port(0)
                .views(RunViews.builder(store).workerCapacity(2).build());
        RunRecorder recorder = RunRecorder.builder(store).listener(builder.runListener()).build();
        WorkflowDefinition flaky = WorkflowDefinition.builder("flaky")
                .step(StepDefinition.builder("a", in -> Map.of("n", 1)).build())
                .step(StepDefinition.builder("b", in -> {
                    if (failB) {
                        throw new IllegalStateException("boom");
                    }
                    holdB.await(30, TimeUnit.SECONDS);
                    return Map.of("ok", true);
                }).dependsOn("a").build())
                .build();
        WorkflowDefinition slow = WorkflowDefinition.builder("slow")
                .step(StepDefinition.builder("wait", in -> {
                    release.await(30, TimeUnit.SECONDS);
                    return Map.of();
                }).build())
                .build();
        runner = WorkflowRunner.builder(recorder, store).workers(2).workflow(flaky).workflow(slow).build();
        server = builder.resumeHandler(runner).pause(runner::pause).cancel(runner::cancel).build();
        server.start();
        api = new Api(server.port());
    }

    @AfterAll
    static void stop() {
        release.countDown();
        runner.close();
        server.stop();
    }

    static RunOutcome await(String run) throws Exception {
        return runner.completion(WS_A, run).orElseThrow().get(20, TimeUnit.SECONDS);
    }

    static HttpResponse<String> resume(String run, String step) {
        return api.post("/api/workflows/executions/" + run + "/resume", OPERATOR_A, WS_A, "{\"step_id\":\"" + step
                + "\"}");
    }

    @Test
    void ofConcurrentResumesExactlyOneIsAcceptedAndEveryOneIsAudited() throws Exception {
        failB = true;
        String run = runner.submit(WS_A, "flaky", Map.of("x", 1));
        assertThat(await(run).status()).isEqualTo(RunStatus.FAILED);
        failB = false;
        holdB = new CountDownLatch(1); // the new attempt stays running until every answer is in

        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return resume(run, "b");
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<HttpResponse<String>> f : answers) {
            statuses.add(f.get(20, TimeUnit.SECONDS).statusCode());
        }
        pool.shutdown();
        holdB.countDown();
        assertThat(statuses).filteredOn(s -> s == 202).hasSize(1);
        // Every loser is told 409, also one that read the run before the winner's claim and its steps
        // after the new attempt started (the runner only looks at attempts up to the one it read).
        assertThat(statuses).filteredOn(s -> s != 202).hasSize(n - 1).allMatch(s -> s == 409);

        RunOutcome second = await(run);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.status()).isEqualTo(RunStatus.COMPLETED);
        JsonNode detail = json(api.get("/api/workflows/executions/" + run, OPERATOR_A, WS_A));
        assertThat(detail.get("status").asText()).isEqualTo("completed");
        assertThat(detail.get("attempt").asInt()).isEqualTo(2);

        JsonNode audit = json(api.get("/api/workflows/executions/" + run + "/resume-audit", OPERATOR_A, WS_A));
        assertThat(audit.get("items")).hasSize(n);
        assertThat(audit.get("items").findValuesAsText("outcome")).containsOnlyOnce("accepted");
        assertThat(audit.get("items").findValuesAsText("actor")).containsOnly("operator-a");

        HttpResponse<String> again = resume(run, "b");
        assertThat(again.statusCode()).isEqualTo(422);
        assertThat(json(again).get("error").get("code").asText()).isEqualTo("run_not_resumable");
    }

    @Test
    void aCompletedStepIsNotResumable() throws Exception {
        failB = true;
        String run = runner.submit(WS_A, "flaky", Map.of());
        assertThat(await(run).status()).isEqualTo(RunStatus.FAILED);
        HttpResponse<String> r = resume(run, "a");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(json(r).get("error").get("parameter").asText()).isEqualTo("step_id");
        HttpResponse<String> unknown = resume(run, "nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("error").get("code").asText()).isEqualTo("step_not_found");
        assertThat(json(unknown).get("error").get("parameter").asText()).isEqualTo("step_id");
    }

    @Test
    void aRunningRunCanBeCancelledOnce() throws Exception {
        String run = runner.submit(WS_A, "slow", Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.findRun(WS_A, run).map(r -> r.status() != RunStatus.RUNNING).orElse(true)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        HttpResponse<String> resumeWhileRunning = resume(run, "wait");
        assertThat(resumeWhileRunning.statusCode()).isEqualTo(409);
        HttpResponse<String> cancel = api.post("/api/workflows/executions/" + run + "/cancel", OPERATOR_A, WS_A,
                "{\"reason\":\"test\"}");
        assertThat(cancel.statusCode()).isEqualTo(202);
        assertThat(await(run).status()).isEqualTo(RunStatus.CANCELLED);
        HttpResponse<String> again = api.post("/api/workflows/executions/" + run + "/cancel", OPERATOR_A, WS_A, "");
        assertThat(again.statusCode()).isEqualTo(409);
    }
}
