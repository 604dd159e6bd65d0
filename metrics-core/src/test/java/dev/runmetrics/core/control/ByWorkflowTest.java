package dev.runmetrics.core.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.flow.RunOutcome;
import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeOutcome;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ResumeHandlers#byWorkflow} and {@link RunActions#byWorkflow} in front of two real
 * orchestrators over one store: a runner of {@code basic_sequence} and another of
 * {@code data_pipeline}, each of which refuses (or ignores) the other's runs.
 */
class ByWorkflowTest {

    private static final String WS = "ws-1";

    private final InMemoryRunStore store = new InMemoryRunStore();
    private final RunRecorder recorder = RunRecorder.builder(store).build();
    private final CountDownLatch held = new CountDownLatch(1);
    private final WorkflowRunner sequences = runner(ExampleWorkflows.BASIC_SEQUENCE);
    private final WorkflowRunner pipelines = runner(ExampleWorkflows.DATA_PIPELINE);

    @AfterEach
    void close() {
        held.countDown();
        sequences.close();
        pipelines.close();
    }

    private WorkflowRunner runner(String workflowId) {
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder().latency(ExampleWorkflows.Latency.none()).hook((wf, in) -> {
            if (in.stepId().equals(in.value("hold_step"))) {
                held.await(10, TimeUnit.SECONDS);
            }
        }).build();
        return WorkflowRunner.builder(recorder, store).workers(2)
                .workflows(ExampleWorkflows.all(options).stream().filter(w -> w.id().equals(workflowId)).toList())
                .build();
    }

    private ResumeHandler router() {
        return ResumeHandlers.byWorkflow(store).route(ExampleWorkflows.DATA_PIPELINE, pipelines)
                .otherwise(sequences).build();
    }

    private static RunOutcome await(WorkflowRunner runner, String runId) throws Exception {
        return runner.completion(WS, runId).orElseThrow().get(10, TimeUnit.SECONDS);
    }

    private static Map<String, Object> withoutFailure() {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(ExampleWorkflows.FAIL_STEP, null);
        return overrides;
    }

    @Test
    void eachRunIsResumedByTheOrchestratorOfItsWorkflowAsANewAttemptOfTheSameRun() throws Exception {
        String sequence = sequences.submit(WS, ExampleWorkflows.BASIC_SEQUENCE, Map.of(ExampleWorkflows.FAIL_STEP,
                "process"));
        String pipeline = pipelines.submit(WS, ExampleWorkflows.DATA_PIPELINE, Map.of(ExampleWorkflows.FAIL_STEP,
                "load_data"));
        assertThat(await(sequences, sequence).status()).isEqualTo(RunStatus.FAILED);
        assertThat(await(pipelines, pipeline).status()).isEqualTo(RunStatus.FAILED);
        // On its own, each runner refuses the other's run.
        assertThat(sequences.resume(WS, "alice", pipeline, "load_data", withoutFailure()))
                .isInstanceOfSatisfying(ResumeResult.Refused.class,
                        r -> assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_WORKFLOW));

        ResumeHandler resume = router();
        assertThat(resume.resume(WS, "alice", sequence, "process", withoutFailure()))
                .isEqualTo(new ResumeResult.Accepted(sequence, "process", 2));
        assertThat(resume.resume(WS, "alice", pipeline, "load_data", withoutFailure()))
                .isEqualTo(new ResumeResult.Accepted(pipeline, "load_data", 2));

        assertThat(await(sequences, sequence)).extracting(RunOutcome::status, RunOutcome::attempt)
                .containsExactly(RunStatus.COMPLETED, 2);
        assertThat(await(pipelines, pipeline)).extracting(RunOutcome::status, RunOutcome::attempt)
                .containsExactly(RunStatus.COMPLETED, 2);
        assertThat(store.findResumeAudit(WS, pipeline)).extracting(ResumeAudit::outcome)
                .containsExactly(ResumeOutcome.REFUSED, ResumeOutcome.ACCEPTED);
    }

    @Test
    void aWorkflowWithoutARouteAndWithoutAFallbackIsRefusedAsUnknownAndAudited() throws Exception {
        String sequence = sequences.submit(WS, ExampleWorkflows.BASIC_SEQUENCE, Map.of(ExampleWorkflows.FAIL_STEP,
                "process"));
        assertThat(await(sequences, sequence).status()).isEqualTo(RunStatus.FAILED);
        ResumeHandler onlyPipelines = ResumeHandlers.byWorkflow(store).route(ExampleWorkflows.DATA_PIPELINE, pipelines)
                .build();

        ResumeResult result = onlyPipelines.resume(WS, "alice", sequence, "process", null);

        assertThat(result).isInstanceOfSatisfying(ResumeResult.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_WORKFLOW);
            assertThat(r.message()).contains("basic_sequence");
            assertThat(r.attempt()).isEqualTo(1);
        });
        List<ResumeAudit> audit = store.findResumeAudit(WS, sequence);
        assertThat(audit).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("alice");
            assertThat(a.stepId()).isEqualTo("process");
            assertThat(a.outcome()).isEqualTo(ResumeOutcome.REFUSED);
        });
    }

    @Test
    void aRunTheWorkspaceDoesNotHaveIsNotFoundAndLeavesNoEntryInAnyWorkspace() throws Exception {
        String sequence = sequences.submit(WS, ExampleWorkflows.BASIC_SEQUENCE, Map.of(ExampleWorkflows.FAIL_STEP,
                "process"));
        assertThat(await(sequences, sequence).status()).isEqualTo(RunStatus.FAILED);

        ResumeResult result = router().resume("ws-other", "mallory", sequence, "process", null);

        assertThat(result).isInstanceOfSatisfying(ResumeResult.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(Reason.NOT_FOUND));
        // The attempt is logged and counted, but never written into a workspace that has no such run
        // (nor into the run's own, which the caller did not name).
        assertThat(store.findResumeAudit("ws-other", sequence)).isEmpty();
        assertThat(store.findResumeAudit(WS, sequence)).isEmpty();
        assertThat(store.findRun(WS, sequence).orElseThrow().attempt()).isEqualTo(1);
    }

    @Test
    void aRunActionGoesToTheOrchestratorOfTheRunsWorkflow() throws Exception {
        String pipeline = pipelines.submit(WS, ExampleWorkflows.DATA_PIPELINE, Map.of("hold_step", "transform_data"));
        RunAction cancel = RunActions.byWorkflow(store).route(ExampleWorkflows.DATA_PIPELINE, pipelines::cancel)
                .otherwise(sequences::cancel).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.findRun(WS, pipeline).orElseThrow().status() != RunStatus.RUNNING) {
            assertThat(System.nanoTime()).as("the run starts").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(sequences.cancel(WS, pipeline, "not its run")).isFalse();

        assertThat(cancel.apply(WS, pipeline, "enough")).isTrue();

        held.countDown();
        assertThat(await(pipelines, pipeline).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancel.apply(WS, pipeline, "again")).isFalse();
        assertThat(cancel.apply("ws-other", pipeline, "elsewhere")).isFalse();
    }

    @Test
    void theBuildersCheckTheirArguments() {
        assertThatThrownBy(() -> ResumeHandlers.byWorkflow(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ResumeHandlers.byWorkflow(store).build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no route");
        assertThatThrownBy(() -> ResumeHandlers.byWorkflow(store).route("a", sequences).route("a", pipelines))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'a' has a route already");
        assertThatThrownBy(() -> ResumeHandlers.byWorkflow(store).route(" ", sequences))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResumeHandlers.byWorkflow(store).route("a", null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ResumeHandlers.byWorkflow(store).otherwise(sequences).otherwise(pipelines))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fallback");
        assertThatThrownBy(() -> RunActions.byWorkflow(store).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> router().resume(WS, "alice", null, "process", null))
                .isInstanceOf(NullPointerException.class);
    }
}
