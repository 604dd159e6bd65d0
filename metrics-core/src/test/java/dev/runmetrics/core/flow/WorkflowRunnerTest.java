package dev.runmetrics.core.flow;

import static dev.runmetrics.core.flow.RunnerFixture.WS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkflowRunnerTest {

    private RunnerFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    /** Every step started only after each of its dependencies completed (or was skipped). */
    private void assertDependenciesEndedBeforeEachStart(String workflowId, String runId) {
        WorkflowDefinition wf = f.runner.workflows().get(workflowId);
        List<RunEvent> mine = f.events.stream().filter(e -> e.run().runId().equals(runId)).toList();
        for (int i = 0; i < mine.size(); i++) {
            RunEvent e = mine.get(i);
            if (e.type() != RunEvent.Type.STEP_STARTED) {
                continue;
            }
            for (String dep : wf.step(e.step().stepId()).orElseThrow().dependsOn()) {
                boolean ended = mine.subList(0, i).stream().anyMatch(p -> p.step() != null
                        && p.step().stepId().equals(dep)
                        && (p.type() == RunEvent.Type.STEP_COMPLETED || p.type() == RunEvent.Type.STEP_SKIPPED));
                assertThat(ended).as("%s ended before %s started", dep, e.step().stepId()).isTrue();
            }
        }
    }

    @Test
    void theRunnerHeartbeatsItsRunsInFlightSoAnotherProcessLeavesThemAlone() throws Exception {
        ManualClock clock = new ManualClock(RunnerFixture.START);
        dev.runmetrics.core.store.memory.InMemoryRunStore memory = new dev.runmetrics.core.store.memory.InMemoryRunStore("m");
        RunRecorder recorder = RunRecorder.builder(memory).clock(clock).instanceId("jvm-a").build();
        CountDownLatch release = new CountDownLatch(1);
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder().latency(ExampleWorkflows.Latency.none())
                .sleeper(d -> { }).retryPolicy(RetryPolicy.none())
                .hook((workflowId, in) -> {
                    if (in.stepId().equals("process")) {
                        release.await(10, TimeUnit.SECONDS);
                    }
                }).build();
        try (WorkflowRunner runner = WorkflowRunner.builder(recorder, memory).workers(2)
                .workflows(ExampleWorkflows.all(options)).heartbeatEvery(Duration.ofMillis(20)).build()) {
            String runId = runner.submit(WS, "basic_sequence", Map.of());
            clock.advance(Duration.ofMinutes(5)); // a long step, in fake time
            Instant later = clock.wallTime();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!memory.findRun(WS, runId).orElseThrow().heartbeatAt().equals(later)) {
                assertThat(System.nanoTime()).as("a heartbeat at the advanced time").isLessThan(deadline);
                Thread.sleep(5);
            }
            RunRecorder other = RunRecorder.builder(memory).clock(clock).instanceId("jvm-b").build();
            assertThat(other.failAbandonedRuns(WS, Duration.ofSeconds(60))).isZero();
            release.countDown();
            assertThat(runner.completion(WS, runId).orElseThrow().get(10, TimeUnit.SECONDS).status())
                    .isEqualTo(RunStatus.COMPLETED);
            assertThat(recorder.counters().rejectedCalls()).isZero(); // runs ending meanwhile are skipped
        }
        assertThatThrownBy(() -> WorkflowRunner.builder(recorder, memory).heartbeatEvery(
                Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void basicSequenceRunsItsThreeStepsInOrder() throws Exception {
        f = new RunnerFixture(2);
        String runId = f.submit("basic_sequence", Map.of("records", 40));
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.steps()).containsExactly(Map.entry("initialize", RunStatus.COMPLETED),
                Map.entry("process", RunStatus.COMPLETED), Map.entry("finalize", RunStatus.COMPLETED));
        assertThat(outcome.outputs().get("finalize")).isEqualTo(Map.of("finalized", true, "total", 40L));
        assertThat(f.steps(runId)).extracting(StepRun::stepId, StepRun::stepOrder, StepRun::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("initialize", 1, RunStatus.COMPLETED),
                org.assertj.core.groups.Tuple.tuple("process", 2, RunStatus.COMPLETED),
                org.assertj.core.groups.Tuple.tuple("finalize", 3, RunStatus.COMPLETED));
        Run run = f.memory.findRun(WS, runId).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.resultsSummary()).isEqualTo(Map.of("finalize", Map.of("finalized", true, "total", 40L)));
        assertThat(f.events.stream().filter(e -> e.step() != null && e.type() == RunEvent.Type.STEP_STARTED)
                .map(e -> e.step().stepId())).containsExactly("initialize", "process", "finalize");
        assertDependenciesEndedBeforeEachStart("basic_sequence", runId);
    }

    @Test
    void everyExampleWorkflowCompletesWithItsStepsAndResults() throws Exception {
        f = new RunnerFixture(3);
        String parallel = f.submit("parallel_processing", Map.of("records", 100));
        String conditional = f.submit("conditional_workflow", Map.of("mode", "thorough"));
        String pipeline = f.submit("data_pipeline", Map.of("records", 200));

        RunOutcome p = f.await(parallel);
        assertThat(p.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(p.steps().keySet()).containsExactly("data_preparation", "branch_a", "branch_b", "branch_c",
                "merge_results");
        assertThat(p.outputs().get("branch_c")).isEqualTo(Map.of("branch", "c", "processed", 34L));
        assertThat(p.outputs().get("merge_results")).isEqualTo(Map.of("total_processed", 100L, "branches", 3L));
        assertDependenciesEndedBeforeEachStart("parallel_processing", parallel);

        RunOutcome c = f.await(conditional);
        assertThat(c.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(c.steps()).containsEntry("thorough_process", RunStatus.COMPLETED)
                .containsEntry("fast_process", RunStatus.SKIPPED).containsEntry("standard_process", RunStatus.SKIPPED);
        assertThat(c.outputs().get("aggregate_results"))
                .isEqualTo(Map.of("strategies", List.of("thorough_process"), "quality", 0.99));
        assertDependenciesEndedBeforeEachStart("conditional_workflow", conditional);

        RunOutcome d = f.await(pipeline);
        assertThat(d.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(d.steps().keySet()).containsExactly("validate_source", "extract_data", "transform_data",
                "validate_transformation", "load_data", "post_load_validation", "cleanup");
        assertThat(d.outputs().get("post_load_validation")).isEqualTo(Map.of("verified", true, "rows", 190L));
        assertThat(f.events.stream().filter(e -> e.run().runId().equals(pipeline)
                && e.type() == RunEvent.Type.STEP_STARTED).map(e -> e.step().stepId())).containsExactly(
                "validate_source", "extract_data", "transform_data", "validate_transformation", "load_data",
                "post_load_validation", "cleanup");
    }

    @Test
    void parallelBranchesRunAtTheSameTimeOnThreeWorkers() throws Exception {
        f = new RunnerFixture(3);
        CountDownLatch allThree = new CountDownLatch(3);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        f.extraHook = (wf, in) -> {
            if (in.stepId().startsWith("branch_")) {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                allThree.countDown();
                // Each branch waits for the other two: only possible if all three hold a worker.
                boolean together = allThree.await(5, TimeUnit.SECONDS);
                running.decrementAndGet();
                if (!together) {
                    throw new IllegalStateException("the branches did not run in parallel");
                }
            }
        };
        RunOutcome outcome = f.await(f.submit("parallel_processing", Map.of()));

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(maxRunning.get()).isEqualTo(3);
    }

    @Test
    void withOneWorkerParallelBranchesQueueAndTheirQueueWaitIsReal() throws Exception {
        // Each step "takes" one second of the fake clock; the single worker runs them one by one.
        ManualClock[] clock = new ManualClock[1];
        f = new RunnerFixture(1, (wf, step) -> Duration.ofSeconds(1), d -> clock[0].advance(d), RetryPolicy.none());
        clock[0] = f.clock;
        String runId = f.submit("parallel_processing", Map.of());
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        assertThat(f.step(runId, "branch_a", 1).queueWait()).contains(Duration.ZERO);
        assertThat(f.step(runId, "branch_b", 1).queueWait()).contains(Duration.ofSeconds(1));
        assertThat(f.step(runId, "branch_c", 1).queueWait()).contains(Duration.ofSeconds(2));
        assertThat(f.step(runId, "branch_c", 1).executionTime()).contains(Duration.ofSeconds(1));
        Run run = f.memory.findRun(WS, runId).orElseThrow();
        assertThat(run.queueWait()).contains(Duration.ZERO);
        assertThat(run.executionTime()).contains(Duration.ofSeconds(5));
    }

    @Test
    void aStepWhoseConditionIsFalseIsSkippedWithTheConditionAsReason() throws Exception {
        f = new RunnerFixture(2);
        String runId = f.submit("conditional_workflow", Map.of("mode", "fast"));
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.steps()).containsExactly(Map.entry("evaluate_condition", RunStatus.COMPLETED),
                Map.entry("fast_process", RunStatus.COMPLETED), Map.entry("standard_process", RunStatus.SKIPPED),
                Map.entry("thorough_process", RunStatus.SKIPPED), Map.entry("aggregate_results", RunStatus.COMPLETED));
        assertThat(f.step(runId, "standard_process", 1).attributes())
                .containsEntry("skip_reason", "condition mode == 'standard' is false");
        assertThat(f.step(runId, "standard_process", 1).startedAt()).isNull();
        assertThat(f.calls("standard_process")).isZero();
        assertThat(f.lastInput("aggregate_results").outputs()).containsOnlyKeys("fast_process");
    }

    @Test
    void aStepWhoseDependenciesWereAllSkippedIsSkippedToo() throws Exception {
        f = new RunnerFixture(2);
        String runId = f.submit("conditional_workflow", Map.of("mode", "none of them"));
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(outcome.steps()).containsEntry("aggregate_results", RunStatus.SKIPPED);
        assertThat(f.step(runId, "aggregate_results", 1).attributes())
                .containsEntry("skip_reason", "every dependency was skipped");
        assertThat(f.calls("aggregate_results")).isZero();
    }

    @Test
    void aStepCanPauseItsRunToWaitForApproval() throws Exception {
        f = new RunnerFixture(2);
        String runId = f.submit("basic_sequence", Map.of("pause_step", "process"));
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(outcome.message()).isEqualTo("step 'process' paused: step 'process' waits for approval");
        assertThat(outcome.steps()).containsExactly(Map.entry("initialize", RunStatus.COMPLETED),
                Map.entry("process", RunStatus.PAUSED));
        StepRun process = f.step(runId, "process", 1);
        assertThat(process.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(process.errorMessage()).isEqualTo("step 'process' waits for approval");
        assertThat(f.memory.findRun(WS, runId).orElseThrow().status()).isEqualTo(RunStatus.PAUSED);
        assertThat(f.checkpoints(runId, 1)).containsOnlyKeys("initialize");
        assertThat(f.calls("finalize")).isZero();
    }

    @Test
    void anOperatorPausePausesQueuedStepsAtOnceAndLetsRunningOnesFinish() throws Exception {
        f = new RunnerFixture(1);
        CountDownLatch branchARunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("branch_a")) {
                branchARunning.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
        };
        String runId = f.submit("parallel_processing", Map.of());
        assertThat(branchARunning.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(f.runner.queuedSteps()).isEqualTo(2);
        assertThat(f.step(runId, "branch_b", 1).status()).isEqualTo(RunStatus.QUEUED);

        assertThat(f.runner.pause(WS, runId, "maintenance")).isTrue();
        assertThat(f.step(runId, "branch_b", 1).status()).isEqualTo(RunStatus.PAUSED);
        assertThat(f.step(runId, "branch_c", 1).status()).isEqualTo(RunStatus.PAUSED);
        assertThat(f.runner.queuedSteps()).isZero();
        release.countDown();
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(outcome.message()).isEqualTo("paused by an operator: maintenance");
        assertThat(outcome.steps()).containsEntry("branch_a", RunStatus.COMPLETED)
                .containsEntry("branch_b", RunStatus.PAUSED).doesNotContainKey("merge_results");
        assertThat(f.checkpoints(runId, 1)).containsOnlyKeys("data_preparation", "branch_a");
        assertThat(f.calls("branch_b")).isZero();
        assertThat(f.memory.findRun(WS, runId).orElseThrow().errorMessage()).isEqualTo("paused by an operator: maintenance");
    }

    @Test
    void cancelInterruptsTheRunningStepAndCancelsTheRun() throws Exception {
        f = new RunnerFixture(2);
        CountDownLatch initializing = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("initialize")) {
                initializing.countDown();
                new CountDownLatch(1).await(); // blocks until interrupted
            }
        };
        String runId = f.submit("basic_sequence", Map.of());
        assertThat(initializing.await(5, TimeUnit.SECONDS)).isTrue();

        assertThat(f.runner.cancel(WS, runId, "not needed")).isTrue();
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(outcome.steps()).containsExactly(Map.entry("initialize", RunStatus.CANCELLED));
        assertThat(f.step(runId, "initialize", 1).status()).isEqualTo(RunStatus.CANCELLED);
        Run run = f.memory.findRun(WS, runId).orElseThrow();
        assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(run.errorMessage()).isEqualTo("not needed");
        assertThat(f.calls("process")).isZero();
        assertThat(f.runner.cancel(WS, runId, "again")).isFalse();
        ResumeResult resume = f.runner.resume(WS, "alice", runId, "initialize", null);
        assertThat(resume).isInstanceOfSatisfying(ResumeResult.Refused.class,
                r -> assertThat(r.reason()).isEqualTo(ResumeResult.Reason.RUN_NOT_RESUMABLE));
    }

    @Test
    void cancelEndsQueuedStepsAtOnceAndTakesThemOffTheQueue() throws Exception {
        f = new RunnerFixture(1);
        CountDownLatch branchARunning = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("branch_a")) {
                branchARunning.countDown();
                new CountDownLatch(1).await(); // blocks until interrupted
            }
        };
        String runId = f.submit("parallel_processing", Map.of());
        assertThat(branchARunning.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(f.runner.queuedSteps()).isEqualTo(2);

        assertThat(f.runner.cancel(WS, runId, "operator")).isTrue();
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(outcome.steps()).containsEntry("data_preparation", RunStatus.COMPLETED)
                .containsEntry("branch_a", RunStatus.CANCELLED).containsEntry("branch_b", RunStatus.CANCELLED)
                .containsEntry("branch_c", RunStatus.CANCELLED);
        assertThat(f.step(runId, "branch_b", 1).startedAt()).isNull();
        assertThat(f.runner.queuedSteps()).isZero();
        assertThat(f.calls("branch_b")).isZero();
        assertThat(f.runner.runsInFlight()).isZero();
    }

    @Test
    void aStepWhoseOutputIsNotJsonFailsAndAPauseRequestFromAnyStepPauses() throws Exception {
        f = new RunnerFixture(1);
        WorkflowDefinition wf = WorkflowDefinition.builder("custom")
                .step(StepDefinition.builder("bad", in -> new Object()))
                .step(StepDefinition.builder("approve", in -> Boolean.TRUE.equals(in.value("approved"))
                        ? Map.of("approved", true) : PauseRequest.of("needs a second pair of eyes")))
                .build();
        try (WorkflowRunner runner = WorkflowRunner.builder(f.recorder, f.store).workers(2).workflow(wf).build()) {
            String runId = runner.submit(WS, "custom", null);
            RunOutcome outcome = runner.completion(WS, runId).orElseThrow().get(10, TimeUnit.SECONDS);

            assertThat(outcome.status()).isEqualTo(RunStatus.FAILED); // a failure outranks a pause
            assertThat(outcome.steps()).containsEntry("bad", RunStatus.FAILED).containsEntry("approve", RunStatus.PAUSED);
            assertThat(f.step(runId, "bad", 1).errorMessage()).contains("output of step 'bad' is not JSON-like");
            assertThat(f.step(runId, "approve", 1).errorMessage()).isEqualTo("needs a second pair of eyes");
        }
    }

    @Test
    void aFailedStepFailsTheRunAndBlocksOnlyWhatDependsOnIt() throws Exception {
        f = new RunnerFixture(3);
        f.failing.add("branch_b");
        String runId = f.submit("parallel_processing", Map.of());
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
        assertThat(outcome.message()).isEqualTo("step 'branch_b' failed: IllegalStateException: test failure in branch_b");
        assertThat(outcome.steps()).containsEntry("branch_a", RunStatus.COMPLETED)
                .containsEntry("branch_c", RunStatus.COMPLETED).containsEntry("branch_b", RunStatus.FAILED)
                .doesNotContainKey("merge_results");
        StepRun b = f.step(runId, "branch_b", 1);
        assertThat(b.errorMessage()).isEqualTo("IllegalStateException: test failure in branch_b");
        assertThat(b.errorCategory()).isEqualTo("OTHER");
        assertThat(f.memory.findRun(WS, runId).orElseThrow().errorMessage()).isEqualTo(outcome.message());
    }

    @Test
    void retriesOfAStepAreRecordedOnItsStepRun() throws Exception {
        f = new RunnerFixture(2, ExampleWorkflows.Latency.none(), d -> { },
                RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).maxBackoff(Duration.ZERO).build());
        AtomicInteger tries = new AtomicInteger();
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("process") && tries.incrementAndGet() < 3) {
                throw new java.io.IOException("connection reset");
            }
        };
        String runId = f.submit("basic_sequence", Map.of());
        assertThat(f.await(runId).status()).isEqualTo(RunStatus.COMPLETED);

        StepRun process = f.step(runId, "process", 1);
        assertThat(process.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(process.retryCount()).isEqualTo(2);
        assertThat(f.events.stream().filter(e -> e.type() == RunEvent.Type.STEP_RETRIED).map(e -> e.step().errorCategory()))
                .containsExactly("NETWORK", "NETWORK");
    }

    @Test
    void aThrowingListenerDoesNotFailTheWorkflow() throws Exception {
        f = new RunnerFixture(2, ExampleWorkflows.Latency.none(), d -> { }, RetryPolicy.none(), event -> {
            throw new IllegalStateException("listener bug");
        });
        RunOutcome outcome = f.await(f.submit("basic_sequence", Map.of()));

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(f.recorder.counters().listenerFailures()).isGreaterThan(0);
    }

    @Test
    void aStoreThatCannotSaveSnapshotsDoesNotFailTheWorkflow() throws Exception {
        f = new RunnerFixture(2);
        f.store.failSnapshots = true;
        String runId = f.submit("basic_sequence", Map.of());
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(f.recorder.counters().storeFailures()).isGreaterThan(0);
        assertThat(f.checkpoints(runId, 1)).containsOnlyKeys("initialize", "process", "finalize");
    }

    @Test
    void aStepWhoseCheckpointIsNotStoredFails() throws Exception {
        f = new RunnerFixture(2);
        f.store.failCheckpoint = c -> c.stepId().equals("process");
        String runId = f.submit("basic_sequence", Map.of());
        RunOutcome outcome = f.await(runId);

        assertThat(outcome.status()).isEqualTo(RunStatus.FAILED);
        assertThat(outcome.steps()).containsExactly(Map.entry("initialize", RunStatus.COMPLETED),
                Map.entry("process", RunStatus.FAILED));
        assertThat(f.step(runId, "process", 1).errorMessage())
                .contains("checkpoint of step 'process' was not stored");
        assertThat(f.events).noneMatch(e -> e.type() == RunEvent.Type.STEP_COMPLETED
                && e.step().stepId().equals("process"));
        assertThat(f.calls("finalize")).isZero();
    }

    /** Submits a basic_sequence run with the given priority attribute (none when null), one second after the last. */
    private String submitWithPriority(Object priority) {
        f.clock.advance(Duration.ofSeconds(1));
        return f.runner.submit(WS, "basic_sequence", Map.of(),
                priority == null ? Map.of() : Map.of(Run.PRIORITY, priority));
    }

    @Test
    void aFreeWorkerTakesTheStepOfTheHighestPriorityRunThatWaitsAndEqualPrioritiesInTurn() throws Exception {
        f = new RunnerFixture(1);
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> starts = new CopyOnWriteArrayList<>();
        f.extraHook = (wf, in) -> {
            starts.add(in.runId() + "/" + in.stepId());
            if (starts.size() == 1) {
                blocking.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
        };
        String first = f.submit("basic_sequence", Map.of());
        assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
        String low1 = submitWithPriority(null);
        String high = submitWithPriority(10);
        String low2 = submitWithPriority(0L);
        String mid = submitWithPriority(5);
        String notANumber = submitWithPriority("urgent"); // counts as 0, like the overview's rule
        assertThat(f.runner.queuedSteps()).isEqualTo(5);

        release.countDown();
        for (String run : List.of(first, low1, high, low2, mid, notANumber)) {
            assertThat(f.await(run).status()).isEqualTo(RunStatus.COMPLETED);
        }
        // A higher-priority run's later steps also go before the lower ones that wait; equal
        // priorities go in the order their steps were queued (first's "process" after the
        // first steps queued while its "initialize" ran).
        assertThat(starts).containsExactly(first + "/initialize",
                high + "/initialize", high + "/process", high + "/finalize",
                mid + "/initialize", mid + "/process", mid + "/finalize",
                low1 + "/initialize", low2 + "/initialize", notANumber + "/initialize", first + "/process",
                low1 + "/process", low2 + "/process", notANumber + "/process", first + "/finalize",
                low1 + "/finalize", low2 + "/finalize", notANumber + "/finalize");
    }

    @Test
    void theLiveOverviewListsTheQueueInTheOrderTheRunnerStartsIt() throws Exception {
        f = new RunnerFixture(1);
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> startedRuns = new CopyOnWriteArrayList<>();
        f.extraHook = (wf, in) -> {
            if (in.stepId().equals("initialize")) {
                startedRuns.add(in.runId());
            }
            if (startedRuns.size() == 1) {
                blocking.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
        };
        String first = f.submit("basic_sequence", Map.of());
        assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
        List<String> queued = List.of(submitWithPriority(0), submitWithPriority(5), submitWithPriority(0),
                submitWithPriority(10), submitWithPriority(5));
        dev.runmetrics.core.views.overview.Realtime realtime = dev.runmetrics.core.views.RunViews.builder(f.memory)
                .clock(f.clock).workerCapacity(1).build().overview().realtime(WS);
        assertThat(realtime.queueDepth()).isEqualTo(5);
        List<String> listed = realtime.queuedExecutions().stream()
                .map(dev.runmetrics.core.views.overview.QueuedRun::queueId).toList();
        assertThat(listed).containsExactly(queued.get(3), queued.get(1), queued.get(4), queued.get(0), queued.get(2));

        release.countDown();
        for (String run : queued) {
            f.await(run);
        }
        assertThat(startedRuns).containsExactlyElementsOf(
                java.util.stream.Stream.concat(java.util.stream.Stream.of(first), listed.stream()).toList());
    }

    @Test
    void cancellingARunTakesItsPrioritizedStepsOffTheQueue() throws Exception {
        f = new RunnerFixture(1);
        CountDownLatch blocking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        f.extraHook = (wf, in) -> {
            if (blocking.getCount() == 1) {
                blocking.countDown();
                release.await(5, TimeUnit.SECONDS);
            }
        };
        String first = f.submit("basic_sequence", Map.of());
        assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();
        String high = submitWithPriority(10);
        String low = submitWithPriority(0);
        assertThat(f.runner.queuedSteps()).isEqualTo(2);

        assertThat(f.runner.cancel(WS, high, "not needed")).isTrue();
        assertThat(f.runner.queuedSteps()).isEqualTo(1);
        release.countDown();

        assertThat(f.await(high).status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(f.await(low).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(f.await(first).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(f.calls("initialize")).isEqualTo(2);
    }

    @Test
    void submitRejectsAnUnknownWorkflowAndInputThatIsNotJson() {
        f = new RunnerFixture(1);
        assertThatThrownBy(() -> f.runner.submit(WS, "nope", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown workflow 'nope'");
        assertThatThrownBy(() -> f.runner.submit(WS, "basic_sequence", Map.of("x", new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON-like value");
    }
}
