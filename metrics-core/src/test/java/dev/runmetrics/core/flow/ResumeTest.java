package dev.runmetrics.core.flow;

import static dev.runmetrics.core.flow.RunnerFixture.WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ControlAction;
import dev.runmetrics.core.store.ControlOutcome;
import dev.runmetrics.core.store.ResumeAudit;
import dev.runmetrics.core.store.ResumeOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResumeTest {

    private RunnerFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private String failedRun(String workflowId, String failingStep, Map<String, ?> input) throws Exception {
        f.failing.add(failingStep);
        String runId = f.submit(workflowId, input);
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.FAILED);
        f.failing.remove(failingStep);
        return runId;
    }

    private static ResumeResult.Refused refused(ResumeResult result) {
        assertThat(result).isInstanceOf(ResumeResult.Refused.class);
        return (ResumeResult.Refused) result;
    }

    private List<ResumeAudit> audit(String runId) {
        return f.memory.findResumeAudit(WS, runId);
    }

    @Test
    void aRunWhoseProcessDiedMidStepIsFailedByAnotherProcessAndResumedFromThatStep() throws Exception {
        f = new RunnerFixture(2);
        // Process 1 runs data_pipeline and "dies" inside load_data: the step never returns.
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        f.extraHook = (workflowId, in) -> {
            if (in.stepId().equals("load_data") && in.attempt() == 1) {
                inside.countDown();
                never.await();
            }
        };
        String runId = f.submit("data_pipeline", Map.of("records", 200));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        Map<String, Object> upstream = f.checkpoints(runId, 1);
        assertThat(upstream).containsKey("validate_transformation");
        try (RunnerFixture survivor = new RunnerFixture(f, "jvm-survivor")) {
            f.clock.advance(java.time.Duration.ofMinutes(5)); // no heartbeat from process 1 since
            assertThat(survivor.recorder.failAbandonedRuns(WS, java.time.Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(f.memory.findRun(WS, runId).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
            StepRun broken = survivor.step(runId, "load_data", 1);
            assertThat(broken.status()).isEqualTo(RunStatus.FAILED);
            assertThat(broken.errorMessage()).startsWith("interrupted:");

            // The survivor resumes it from the step where it broke, with the upstream outputs restored.
            assertThat(survivor.runner.resume(WS, "alice", runId, "load_data", null))
                    .isEqualTo(new ResumeResult.Accepted(runId, "load_data", 2));
            RunOutcome outcome = survivor.await(runId);
            assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(outcome.restoredSteps()).containsExactlyInAnyOrderElementsOf(upstream.keySet());
            assertThat(survivor.calls("extract_data")).isZero(); // restored, not run again
            assertThat(survivor.calls("load_data")).isEqualTo(1);
        } finally {
            never.countDown(); // process 1's stuck step returns, and its runner finishes attempt 1
        }
        f.await(runId);
        // The store keeps the resumed attempt: a later attempt's snapshot wins over attempt 1's.
        Run stored = f.memory.findRun(WS, runId).orElseThrow();
        assertThat(stored.attempt()).isEqualTo(2);
        assertThat(stored.status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aFailedRunResumedFromTheFailedStepRestoresUpstreamOutputsAndRunsTheRestAgain() throws Exception {
        f = new RunnerFixture(2);
        String runId = failedRun("data_pipeline", "load_data", Map.of("records", 200));
        Map<String, Object> firstCheckpoints = f.checkpoints(runId, 1);
        assertThat(firstCheckpoints).containsOnlyKeys("validate_source", "extract_data", "transform_data",
                "validate_transformation");

        ResumeResult result = f.runner.resume(WS, "alice", runId, "load_data", null);
        assertThat(result).isEqualTo(new ResumeResult.Accepted(runId, "load_data", 2));
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.attempt()).isEqualTo(2);
        assertThat(outcome.restoredSteps()).containsExactlyInAnyOrderElementsOf(firstCheckpoints.keySet());
        for (Map.Entry<String, Object> cp : firstCheckpoints.entrySet()) {
            assertThat(outcome.outputs().get(cp.getKey())).as(cp.getKey()).isEqualTo(cp.getValue());
        }
        // The resumed step really received the restored output of its dependency.
        assertThat(f.lastInput("load_data").outputs())
                .isEqualTo(Map.of("validate_transformation", firstCheckpoints.get("validate_transformation")));
        assertThat(f.lastInput("load_data").attempt()).isEqualTo(2);
        // Upstream nodes were not called again; the resumed step and what follows ran once more.
        assertThat(f.calls("validate_source")).isEqualTo(1);
        assertThat(f.calls("extract_data")).isEqualTo(1);
        assertThat(f.calls("transform_data")).isEqualTo(1);
        assertThat(f.calls("validate_transformation")).isEqualTo(1);
        assertThat(f.calls("load_data")).isEqualTo(2);
        assertThat(f.calls("cleanup")).isEqualTo(1);
        // History: attempt 1 keeps its five step runs, attempt 2 has the three that ran again.
        List<StepRun> steps = f.steps(runId);
        assertThat(steps.stream().filter(s -> s.attempt() == 1).map(StepRun::stepId)).containsExactly(
                "validate_source", "extract_data", "transform_data", "validate_transformation", "load_data");
        assertThat(f.step(runId, "load_data", 1).status()).isEqualTo(RunStatus.FAILED);
        assertThat(steps.stream().filter(s -> s.attempt() == 2).map(s -> s.stepId() + ":" + s.status()))
                .containsExactly("load_data:COMPLETED", "post_load_validation:COMPLETED", "cleanup:COMPLETED");
        Run run = f.memory.findRun(WS, runId).orElseThrow();
        assertThat(run.attempt()).isEqualTo(2);
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(audit(runId)).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo("alice");
            assertThat(a.stepId()).isEqualTo("load_data");
            assertThat(a.attempt()).isEqualTo(2);
            assertThat(a.outcome()).isEqualTo(ResumeOutcome.ACCEPTED);
            assertThat(a.reason()).isNull();
        });
    }

    @Test
    void theAcceptedCallReturnsBeforeTheResumedStepsFinish() throws Exception {
        f = new RunnerFixture(2);
        String runId = failedRun("basic_sequence", "process", Map.of());
        CountDownLatch release = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("process")) {
                release.await(5, TimeUnit.SECONDS);
            }
        };
        ResumeResult result = f.runner.resume(WS, "alice", runId, "process", null);

        assertThat(result.accepted()).isTrue();
        assertThat(f.runner.completion(WS, runId).orElseThrow()).isNotDone();
        release.countDown();
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void inputOverridesAreMergedIntoTheResumedStepsInputOnly() throws Exception {
        f = new RunnerFixture(2);
        String runId = f.submit("data_pipeline", Map.of("records", 100, "fail_step", "transform_data"));
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.FAILED);

        Map<String, Object> overrides = new HashMap<>();
        overrides.put("fail_step", null);
        overrides.put("batch", "retry-1");
        assertThat(f.runner.resume(WS, "alice", runId, "transform_data", overrides).accepted()).isTrue();
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        Map<String, Object> expected = new HashMap<>();
        expected.put("records", 100L);
        expected.put("fail_step", null);
        expected.put("batch", "retry-1");
        assertThat(f.lastInput("transform_data").input()).isEqualTo(expected);
        assertThat(f.lastInput("validate_transformation").input())
                .isEqualTo(Map.of("records", 100L, "fail_step", "transform_data"));
        assertThat(f.step(runId, "transform_data", 2).inputSummary()).containsEntry("input", expected);
    }

    @Test
    void aRunResumedTwiceKeepsAllThreeAttemptsInItsHistory() throws Exception {
        f = new RunnerFixture(2);
        String runId = f.submit("basic_sequence", Map.of("fail_step", "process"));
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.FAILED);

        assertThat(f.runner.resume(WS, "alice", runId, "process", null))
                .isEqualTo(new ResumeResult.Accepted(runId, "process", 2));
        RunOutcome second = f.await(runId);
        assertThat(second.status()).isEqualTo(RunStatus.FAILED); // the input still says so
        assertThat(second.attempt()).isEqualTo(2);

        Map<String, Object> fix = new HashMap<>();
        fix.put("fail_step", null);
        assertThat(f.runner.resume(WS, "bob", runId, "process", fix))
                .isEqualTo(new ResumeResult.Accepted(runId, "process", 3));
        RunOutcome third = f.await(runId);

        assertThat(third.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(third.outputs().get("initialize")).isEqualTo(f.checkpoints(runId, 1).get("initialize"));
        assertThat(f.calls("initialize")).isEqualTo(1);
        assertThat(f.steps(runId).stream().filter(s -> s.stepId().equals("process"))
                .map(s -> s.attempt() + ":" + s.status())).containsExactly("1:FAILED", "2:FAILED", "3:COMPLETED");
        assertThat(f.memory.findRun(WS, runId).orElseThrow().attempt()).isEqualTo(3);
        assertThat(audit(runId)).extracting(ResumeAudit::actor, ResumeAudit::attempt, ResumeAudit::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", 2, ResumeOutcome.ACCEPTED),
                        org.assertj.core.groups.Tuple.tuple("bob", 3, ResumeOutcome.ACCEPTED));
    }

    @Test
    void aPausedStepResumesWithAnApprovalOverride() throws Exception {
        f = new RunnerFixture(2);
        String runId = f.submit("basic_sequence", Map.of("pause_step", "process"));
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.PAUSED);

        assertThat(f.runner.resume(WS, "approver", runId, "process", Map.of("approved", true)).accepted()).isTrue();
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.restoredSteps()).containsExactly("initialize");
        assertThat(f.calls("initialize")).isEqualTo(1);
    }

    @Test
    void sideBranchesThatCompletedAreRestoredAndThoseThatFailedRunAgain() throws Exception {
        f = new RunnerFixture(3);
        f.failing.add("branch_b");
        f.failing.add("branch_c");
        String runId = f.submit("parallel_processing", Map.of("records", 90));
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.FAILED);
        f.failing.clear();

        assertThat(f.runner.resume(WS, "alice", runId, "branch_b", null).accepted()).isTrue();
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.restoredSteps()).containsExactlyInAnyOrder("data_preparation", "branch_a");
        assertThat(f.calls("branch_a")).isEqualTo(1);
        assertThat(f.calls("branch_b")).isEqualTo(2);
        assertThat(f.calls("branch_c")).isEqualTo(2); // failed side branch: runs again
        assertThat(outcome.outputs().get("merge_results")).isEqualTo(Map.of("total_processed", 90L, "branches", 3L));
    }

    @Test
    void anOperatorPausedRunResumesFromAPausedStep() throws Exception {
        f = new RunnerFixture(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("branch_a") && in.attempt() == 1) {
                running.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
        };
        String runId = f.submit("parallel_processing", Map.of());
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        f.runner.pause(WS, runId, "maintenance");
        release.countDown();
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.PAUSED);

        assertThat(f.runner.resume(WS, "alice", runId, "branch_b", null).accepted()).isTrue();
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.restoredSteps()).containsExactlyInAnyOrder("data_preparation", "branch_a");
        assertThat(f.calls("branch_a")).isEqualTo(1);
        assertThat(f.calls("branch_c")).isEqualTo(1); // paused before it started: runs in attempt 2
    }

    @Test
    void anUnknownRunIsNotFoundAndNotWrittenToTheWorkspacesLog() {
        f = new RunnerFixture(1);
        String unknown = "018f0000-0000-7000-8000-000000000000";
        ResumeResult.Refused r = refused(f.runner.resume(WS, "alice", unknown, "process", null));

        assertThat(r.reason()).isEqualTo(Reason.NOT_FOUND);
        assertThat(r.reason().httpStatus()).isEqualTo(404);
        assertThat(r.reason().controlOutcome()).isEqualTo(ControlOutcome.NOT_FOUND);
        assertThat(r.message()).isEqualTo("run " + unknown + " not found");
        assertThat(f.memory.findControlAudit(WS, unknown)).isEmpty();
    }

    @Test
    void aResumeIsAuditedWithItsInputOverrides() throws Exception {
        f = new RunnerFixture(1);
        String runId = failedRun("basic_sequence", "process", Map.of());
        f.runner.resume(WS, "alice", runId, "nope", Map.of("threshold", 3, "mode", "strict"));

        assertThat(f.memory.findControlAudit(WS, runId)).singleElement().satisfies(a -> {
            assertThat(a.action()).isEqualTo(ControlAction.RESUME);
            assertThat(a.outcome()).isEqualTo(ControlOutcome.NOT_FOUND);
            assertThat(a.stepId()).isEqualTo("nope");
            assertThat(a.actor()).isEqualTo("alice");
            assertThat(a.inputOverrides()).isEqualTo(Map.of("threshold", 3L, "mode", "strict"));
        });
    }

    @Test
    void anotherWorkspacesRunAnswersExactlyLikeAnUnknownOne() throws Exception {
        f = new RunnerFixture(1);
        String runId = failedRun("basic_sequence", "process", Map.of());
        ResumeResult.Refused r = refused(f.runner.resume("ws-other", "mallory", runId, "process", null));

        assertThat(r).isEqualTo(new ResumeResult.Refused(Reason.NOT_FOUND, "run " + runId + " not found", 0));
        // Neither workspace's log records it: the caller's must not name another workspace's run.
        assertThat(f.memory.findControlAudit("ws-other", runId)).isEmpty();
        assertThat(f.memory.findControlAudit(WS, runId)).isEmpty();
        assertThat(f.memory.findRun(WS, runId).orElseThrow().attempt()).isEqualTo(1);
    }

    @Test
    void aStepThatDidNotFailOrPauseIsRefused() throws Exception {
        f = new RunnerFixture(1);
        String runId = failedRun("basic_sequence", "process", Map.of());

        ResumeResult.Refused completed = refused(f.runner.resume(WS, "alice", runId, "initialize", null));
        assertThat(completed.reason()).isEqualTo(Reason.STEP_NOT_RESUMABLE);
        assertThat(completed.reason().httpStatus()).isEqualTo(422);
        assertThat(completed.message()).isEqualTo("step 'initialize' is completed; only a failed or paused step can be resumed");
        ResumeResult.Refused neverRan = refused(f.runner.resume(WS, "alice", runId, "finalize", null));
        assertThat(neverRan.reason()).isEqualTo(Reason.STEP_NOT_RESUMABLE);
        assertThat(neverRan.message()).contains("step 'finalize' has not run");
        ResumeResult.Refused unknownStep = refused(f.runner.resume(WS, "alice", runId, "nope", null));
        assertThat(unknownStep.reason()).isEqualTo(Reason.STEP_NOT_FOUND);
        assertThat(unknownStep.reason().httpStatus()).isEqualTo(404);
        assertThat(unknownStep.message()).isEqualTo("step 'nope' not found in workflow 'basic_sequence'");

        assertThat(audit(runId)).extracting(ResumeAudit::stepId, ResumeAudit::outcome, ResumeAudit::attempt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("initialize", ResumeOutcome.REFUSED, 1),
                        org.assertj.core.groups.Tuple.tuple("finalize", ResumeOutcome.REFUSED, 1),
                        org.assertj.core.groups.Tuple.tuple("nope", ResumeOutcome.REFUSED, 1));
        assertThat(f.memory.findRun(WS, runId).orElseThrow().attempt()).isEqualTo(1);
    }

    @Test
    void aRunningRunIsRefusedAsActive() throws Exception {
        f = new RunnerFixture(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("process")) {
                running.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
        };
        String runId = f.submit("basic_sequence", Map.of());
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        ResumeResult.Refused r = refused(f.runner.resume(WS, "alice", runId, "process", null));
        release.countDown();

        assertThat(r.reason()).isEqualTo(Reason.RUN_ACTIVE);
        assertThat(r.reason().httpStatus()).isEqualTo(409);
        assertThat(r.message()).isEqualTo("run " + runId + " is running (attempt 1); only a failed or paused run can be resumed");
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(audit(runId)).singleElement().satisfies(a -> {
            assertThat(a.outcome()).isEqualTo(ResumeOutcome.REFUSED);
            assertThat(a.reason()).isEqualTo(r.message());
        });
    }

    @Test
    void aCompletedRunIsNotResumable() throws Exception {
        f = new RunnerFixture(1);
        String runId = f.submit("basic_sequence", Map.of());
        f.await(runId);

        ResumeResult.Refused r = refused(f.runner.resume(WS, "alice", runId, "process", null));
        assertThat(r.reason()).isEqualTo(Reason.RUN_NOT_RESUMABLE);
        assertThat(r.message()).isEqualTo("run " + runId + " is completed; only a failed or paused run can be resumed");
        assertThat(audit(runId)).hasSize(1);
    }

    @Test
    void aRunOfAWorkflowTheRunnerDoesNotKnowIsRefused() throws Exception {
        f = new RunnerFixture(1);
        String runId = failedRun("basic_sequence", "process", Map.of());
        RunRecorder recorder = RunRecorder.builder(f.store).clock(f.clock).build();
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency(ExampleWorkflows.Latency.none()).build();
        try (WorkflowRunner other = WorkflowRunner.builder(recorder, f.store)
                .workflow(ExampleWorkflows.dataPipeline(options)).build()) {
            ResumeResult.Refused r = refused(other.resume(WS, "alice", runId, "process", null));

            assertThat(r.reason()).isEqualTo(Reason.UNKNOWN_WORKFLOW);
            assertThat(r.message()).isEqualTo("workflow 'basic_sequence' of run " + runId + " is not known to this runner");
        }
        assertThat(audit(runId)).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo(ResumeOutcome.REFUSED));
    }

    @Test
    void overridesThatAreNotJsonAreRefused() throws Exception {
        f = new RunnerFixture(1);
        String runId = failedRun("basic_sequence", "process", Map.of());
        ResumeResult.Refused r = refused(f.runner.resume(WS, "alice", runId, "process", Map.of("x", new Object())));

        assertThat(r.reason()).isEqualTo(Reason.INVALID_OVERRIDES);
        assertThat(r.reason().httpStatus()).isEqualTo(400);
        assertThat(r.message()).contains("not a JSON-like value");
        assertThat(audit(runId)).singleElement().satisfies(a -> assertThat(a.attempt()).isEqualTo(1));
    }

    @Test
    void aRunWhoseInputWasNotCheckpointedStillRunsButCannotBeResumed() throws Exception {
        f = new RunnerFixture(1);
        f.store.failCheckpoint = c -> c.stepId().equals(WorkflowRunner.INPUT_CHECKPOINT);
        String runId = failedRun("basic_sequence", "process", Map.of());

        ResumeResult.Refused r = refused(f.runner.resume(WS, "alice", runId, "process", null));
        assertThat(r.reason()).isEqualTo(Reason.RUN_NOT_RESUMABLE);
        assertThat(r.message()).isEqualTo("the input of run " + runId + " was not checkpointed, so it cannot be resumed");
    }

    @Test
    void aStoreThatCannotClaimAnswersUnavailableAndResumesNothing() throws Exception {
        f = new RunnerFixture(1);
        String runId = failedRun("basic_sequence", "process", Map.of());
        f.store.beforeClaim = () -> {
            throw new dev.runmetrics.core.store.RunStoreException("database down (test)");
        };
        ResumeResult.Refused r = refused(f.runner.resume(WS, "alice", runId, "process", null));

        assertThat(r.reason()).isEqualTo(Reason.UNAVAILABLE);
        assertThat(r.reason().httpStatus()).isEqualTo(503);
        assertThat(r.message()).contains("database down");
        assertThat(f.memory.findRun(WS, runId).orElseThrow().attempt()).isEqualTo(1);
        assertThat(audit(runId)).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo(ResumeOutcome.REFUSED));
    }

    @Test
    void malformedIdsAreRejectedBeforeAnythingIsRead() {
        f = new RunnerFixture(1);
        assertThatThrownBy(() -> f.runner.resume(WS, " ", "run", "step", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actor");
        assertThatThrownBy(() -> f.runner.resume(WS, "alice", null, "step", null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void ofConcurrentResumesThatAllReachTheClaimExactlyOneWins() throws Exception {
        int n = 8;
        f = new RunnerFixture(2);
        String runId = failedRun("basic_sequence", "process", Map.of());
        CyclicBarrier allAtTheClaim = new CyclicBarrier(n);
        f.store.beforeClaim = () -> {
            try {
                allAtTheClaim.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IllegalStateException(e);
            }
        };
        List<ResumeResult> results = resumeConcurrently(n, runId);

        assertThat(results).filteredOn(ResumeResult::accepted).singleElement()
                .isEqualTo(new ResumeResult.Accepted(runId, "process", 2));
        assertThat(results).filteredOn(r -> !r.accepted()).hasSize(n - 1).allSatisfy(r -> {
            ResumeResult.Refused refused = (ResumeResult.Refused) r;
            assertThat(refused.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(refused.message()).contains("was resumed by another request");
        });
        assertThat(audit(runId)).hasSize(n);
        assertThat(audit(runId)).filteredOn(a -> a.outcome() == ResumeOutcome.ACCEPTED).hasSize(1);
        assertThat(audit(runId)).filteredOn(a -> a.outcome() == ResumeOutcome.CONFLICT).hasSize(n - 1);
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(f.calls("process")).isEqualTo(2);
        assertThat(f.memory.findRun(WS, runId).orElseThrow().attempt()).isEqualTo(2);
    }

    @Test
    void ofConcurrentResumesStartedTogetherExactlyOneWinsAndTheOthersAreTold409() throws Exception {
        int n = 8;
        f = new RunnerFixture(2);
        String runId = failedRun("basic_sequence", "process", Map.of());
        // The winner's attempt stays running until every request is answered, as it would in
        // production where the requests arrive within milliseconds and steps take longer.
        CountDownLatch answered = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (in.attempt() == 2) {
                answered.await(5, TimeUnit.SECONDS);
            }
        };
        List<ResumeResult> results = resumeConcurrently(n, runId);
        answered.countDown();

        assertThat(results).filteredOn(ResumeResult::accepted).hasSize(1);
        // Those that read the run before the claim lost it (CONFLICT), those after saw it queued
        // or running (RUN_ACTIVE): both are 409.
        assertThat(results).filteredOn(r -> !r.accepted()).hasSize(n - 1).allSatisfy(r -> assertThat(
                ((ResumeResult.Refused) r).reason()).isIn(Reason.CONFLICT, Reason.RUN_ACTIVE));
        assertThat(audit(runId)).hasSize(n);
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aRequestThatReadTheRunBeforeAnotherWonIsAConflictEvenIfTheNewAttemptHasStarted() throws Exception {
        f = new RunnerFixture(2);
        String runId = failedRun("basic_sequence", "process", Map.of());
        CountDownLatch aReadTheRun = new CountDownLatch(1);
        CountDownLatch bAccepted = new CountDownLatch(1);
        CountDownLatch attempt2Running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        f.store.beforeFindSteps = () -> {
            if (first.compareAndSet(true, false)) {
                aReadTheRun.countDown();
                try {
                    bAccepted.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        f.extraHook = (wf, in) -> {
            if (in.attempt() == 2) {
                attempt2Running.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ResumeResult> a = pool.submit(() -> f.runner.resume(WS, "user-a", runId, "process", null));
            assertThat(aReadTheRun.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(f.runner.resume(WS, "user-b", runId, "process", null).accepted()).isTrue();
            assertThat(attempt2Running.await(5, TimeUnit.SECONDS)).isTrue(); // attempt 2's step runs now
            bAccepted.countDown();

            ResumeResult.Refused r = refused(a.get(5, TimeUnit.SECONDS));
            assertThat(r.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(r.attempt()).isEqualTo(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);
    }

    private List<ResumeResult> resumeConcurrently(int n, String runId) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ResumeResult>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String actor = "user-" + i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return f.runner.resume(WS, actor, runId, "process", null);
                }));
            }
            start.countDown();
            List<ResumeResult> results = new ArrayList<>();
            for (Future<ResumeResult> future : futures) {
                results.add(future.get(10, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aResumeWorksInARunnerThatDidNotRunTheFirstAttempt() throws Exception {
        f = new RunnerFixture(1);
        String runId = failedRun("basic_sequence", "process", Map.of("records", 7));
        RunRecorder recorder = RunRecorder.builder(f.store).clock(f.clock).build();
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency(ExampleWorkflows.Latency.none()).retryPolicy(RetryPolicy.none()).build();
        try (WorkflowRunner restarted = WorkflowRunner.builder(recorder, f.store)
                .workflows(ExampleWorkflows.all(options)).build()) {
            assertThat(restarted.resume(WS, "alice", runId, "process", null).accepted()).isTrue();
            RunOutcome outcome = restarted.completion(WS, runId).orElseThrow().get(10, TimeUnit.SECONDS);

            assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(outcome.outputs().get("finalize")).isEqualTo(Map.of("finalized", true, "total", 7L));
        }
    }
}
