package dev.runmetrics.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.store.RollupQuery;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreException;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RunRecorderTest {

    private static final Instant START = Instant.parse("2026-05-04T12:00:00.000000Z");
    private static final StepSpec FETCH = new StepSpec("fetch", "Fetch data", 1, "http-fetch");

    private final ManualClock clock = new ManualClock(START);
    private final RecordingStore store = new RecordingStore();
    private final List<RunEvent> events = new CopyOnWriteArrayList<>();

    private RunRecorder recorder(RunListener... extra) {
        RunRecorder.Builder b = RunRecorder.builder(store).clock(clock).instanceId("jvm-1").listener(events::add);
        for (RunListener l : extra) {
            b.listener(l);
        }
        return b.build();
    }

    @Test
    void runsADeadProcessLeftRunningAreFailedAtTheirLastHeartbeatWithTheirInterruptedSteps() {
        InMemoryRunStore memory = new InMemoryRunStore("mem");
        // Process 1 starts two runs, heartbeats them, and dies (is never heard of again).
        RunRecorder dead = RunRecorder.builder(memory).clock(clock).instanceId("jvm-dead").build();
        String stuck = dead.runQueued("ws", "wf", null, null);
        dead.runStarted("ws", stuck);
        dead.stepStarted("ws", stuck, FETCH, null);
        StepSpec next = new StepSpec("store", "Store", 2, "db-write");
        dead.stepQueued("ws", stuck, next, null);
        String waiting = dead.runQueued("ws", "wf", null, null);
        clock.advance(Duration.ofSeconds(20));
        dead.heartbeatAll();
        Instant lastHeartbeat = clock.wallTime();
        // A run whose last step event came after its last heartbeat ends at that event.
        String stepAfterHeartbeat = dead.runQueued("ws", "wf-late", null, null);
        dead.runStarted("ws", stepAfterHeartbeat);
        clock.advance(Duration.ofSeconds(4));
        dead.stepStarted("ws", stepAfterHeartbeat, FETCH, null);
        Instant lastStepEvent = clock.wallTime();
        // Process 2 runs its own long run, and starts one more after process 1 died.
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        RunRecorder alive = RunRecorder.builder(memory).clock(clock).instanceId("jvm-alive").listener(seen::add)
                .build();
        String ownOld = alive.runQueued("ws", "wf", null, null);
        alive.runStarted("ws", ownOld);
        clock.advance(Duration.ofHours(3));
        String fresh = alive.runQueued("ws", "wf", null, null);

        assertThat(alive.failAbandonedRuns("ws", Duration.ofSeconds(60))).isEqualTo(3);
        Run late = memory.findRun("ws", stepAfterHeartbeat).orElseThrow();
        assertThat(late.completedAt()).isEqualTo(lastStepEvent);
        assertThat(memory.findSteps("ws", stepAfterHeartbeat)).singleElement()
                .satisfies(step -> assertThat(step.completedAt()).isEqualTo(lastStepEvent));

        Run failed = memory.findRun("ws", stuck).orElseThrow();
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.errorMessage()).startsWith("interrupted:").contains("jvm-dead");
        assertThat(failed.completedAt()).isEqualTo(lastHeartbeat); // not the 3 hours it lay dead
        assertThat(failed.instanceId()).isEqualTo("jvm-dead");
        assertThat(memory.findSteps("ws", stuck)).allSatisfy(step -> {
            assertThat(step.status()).isEqualTo(RunStatus.FAILED);
            assertThat(step.errorMessage()).startsWith("interrupted:");
            assertThat(step.completedAt()).isEqualTo(lastHeartbeat);
            assertThat(step.startedAt()).isNotNull();
        }).hasSize(2);
        assertThat(memory.findRun("ws", waiting).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
        // This recorder's own runs, old or new, are not touched.
        assertThat(memory.findRun("ws", ownOld).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(memory.findRun("ws", fresh).orElseThrow().status()).isEqualTo(RunStatus.QUEUED);
        assertThat(seen).filteredOn(e -> e.type() == RunEvent.Type.RUN_FAILED).extracting(e -> e.run().runId())
                .containsExactlyInAnyOrder(stuck, waiting, stepAfterHeartbeat);
        assertThat(seen).filteredOn(e -> e.type() == RunEvent.Type.STEP_FAILED).hasSize(3);
        // Counted once in the rollups, as failed.
        assertThat(memory.rollups("ws", RollupQuery.total(dev.runmetrics.core.store.RollupDimension.WORKFLOW, "wf",
                START, clock.wallTime().plusSeconds(60))).get(0).count(RunStatus.FAILED)).isEqualTo(2);

        // Nothing left to end; a bad lease is rejected and counted, not thrown.
        assertThat(alive.failAbandonedRuns("ws", Duration.ofSeconds(60))).isZero();
        long rejected = alive.counters().rejectedCalls();
        assertThat(alive.failAbandonedRuns("ws", Duration.ZERO)).isZero();
        assertThat(alive.counters().rejectedCalls()).isEqualTo(rejected + 1);
    }

    @Test
    void aRunsThreeDurationsComeFromTheMonotonicClockEvenWhenTheWallClockSteps() {
        RunRecorder recorder = recorder();
        String runId = recorder.runQueued("ws", "wf", "Workflow", Map.of("mode", "fast"), Map.of(Run.USER_ID, "u-7"));
        clock.advance(Duration.ofMillis(250));
        recorder.runStarted("ws", runId);
        clock.stepWall(Duration.ofHours(-1)); // NTP step: must not make anything negative
        clock.advance(Duration.ofSeconds(3));
        recorder.runCompleted("ws", runId, Map.of("output", "success"));

        Run run = store.lastRun();
        assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.queuedAt()).isEqualTo(START);
        assertThat(run.queueWait()).contains(Duration.ofMillis(250));
        assertThat(run.executionTime()).contains(Duration.ofSeconds(3));
        assertThat(run.endToEnd()).contains(Duration.ofMillis(3250));
        assertThat(run.inputSummary()).isEqualTo(Map.of("mode", "fast"));
        assertThat(run.resultsSummary()).isEqualTo(Map.of("output", "success"));
        assertThat(run.instanceId()).isEqualTo("jvm-1");
        // The host's attributes, and the recorder's own record of the run's status changes.
        assertThat(run.attributes()).containsOnlyKeys(Run.USER_ID, Run.STATUS_HISTORY)
                .containsEntry(Run.USER_ID, "u-7");
        assertThat(run.statusHistory()).extracting(c -> c.event().name(), c -> c.at()).containsExactly(
                org.assertj.core.groups.Tuple.tuple("QUEUED", run.queuedAt()),
                org.assertj.core.groups.Tuple.tuple("STARTED", run.startedAt()),
                org.assertj.core.groups.Tuple.tuple("COMPLETED", run.completedAt()));
        assertThat(events).extracting(RunEvent::type).containsExactly(RunEvent.Type.RUN_QUEUED,
                RunEvent.Type.RUN_STARTED, RunEvent.Type.RUN_COMPLETED);
    }

    @Test
    void aRetriedStepKeepsItsFirstScheduledInstantAndCountsItsRetries() {
        RunRecorder recorder = recorder();
        String runId = recorder.runQueued("ws", "wf", null, null);
        recorder.runStarted("ws", runId);
        recorder.stepQueued("ws", runId, FETCH, Map.of("url", "https://example.test"));
        clock.advance(Duration.ofMillis(40));
        recorder.stepStarted("ws", runId, FETCH, null);
        clock.advance(Duration.ofMillis(100));
        recorder.stepRetried("ws", runId, "fetch", "connection reset", "NETWORK");
        clock.advance(Duration.ofMillis(500));
        recorder.stepStarted("ws", runId, FETCH, null);
        clock.advance(Duration.ofMillis(60));
        recorder.stepAttributes("ws", runId, "fetch", Map.of(StepRun.MODEL, "m1", StepRun.TOKENS, 12));
        recorder.stepCompleted("ws", runId, "fetch", Map.of("records", 100));

        StepRun step = store.lastStep();
        assertThat(step.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(step.retryCount()).isEqualTo(1);
        assertThat(step.queueWait()).contains(Duration.ofMillis(40));
        assertThat(step.executionTime()).contains(Duration.ofMillis(660));
        assertThat(step.errorMessage()).isNull();
        assertThat(step.inputSummary()).isEqualTo(Map.of("url", "https://example.test"));
        assertThat(step.outputSummary()).isEqualTo(Map.of("records", 100L));
        assertThat(step.attributes()).isEqualTo(Map.of(StepRun.MODEL, "m1", StepRun.TOKENS, 12L));
        assertThat(step.attempt()).isEqualTo(1);
    }

    @Test
    void aThrowingListenerIsCountedAndNeitherTheCallerNorOtherListenersNotice() {
        List<RunEvent> after = new CopyOnWriteArrayList<>();
        RunRecorder recorder = recorder(event -> {
            throw new IllegalStateException("listener bug");
        }, after::add);

        assertThatCode(() -> {
            String runId = recorder.runQueued("ws", "wf", "Workflow", null);
            recorder.runStarted("ws", runId);
            recorder.runFailed("ws", runId, "boom");
        }).doesNotThrowAnyException();

        assertThat(recorder.counters()).isEqualTo(new RecorderCounters(3, 0, 3, 0));
        assertThat(after).hasSize(3);
        assertThat(store.lastRun().status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void aThrowingStoreIsCountedAndTheListenersStillGetEveryEvent() {
        RunStore broken = new RecordingStore() {
            @Override
            public void saveRun(String workspaceId, Run run) {
                throw new RunStoreException("database down");
            }

            @Override
            public void saveStep(String workspaceId, StepRun step) {
                throw new Error("even an Error from a store is contained");
            }
        };
        RunRecorder recorder = RunRecorder.builder(broken).clock(clock).listener(events::add).build();

        assertThatCode(() -> {
            String runId = recorder.runQueued("ws", "wf", "Workflow", null);
            recorder.runStarted("ws", runId);
            recorder.stepStarted("ws", runId, FETCH, null);
            recorder.stepCompleted("ws", runId, "fetch", "done");
            recorder.runCompleted("ws", runId, null);
        }).doesNotThrowAnyException();

        assertThat(recorder.counters()).isEqualTo(new RecorderCounters(5, 0, 0, 5));
        assertThat(events).extracting(RunEvent::type).containsExactly(RunEvent.Type.RUN_QUEUED,
                RunEvent.Type.RUN_STARTED, RunEvent.Type.STEP_STARTED, RunEvent.Type.STEP_COMPLETED,
                RunEvent.Type.RUN_COMPLETED);
    }

    @Test
    void badCallsAreRejectedAndCountedNeverThrown() {
        RunRecorder recorder = recorder();
        assertThatCode(() -> {
            String ignored = recorder.runQueued(null, "wf", "Workflow", null);
            assertThat(ignored).isNotNull();
            recorder.runStarted("ws", "no-such-run");
            String runId = recorder.runQueued("ws", "wf", "Workflow", null);
            recorder.runStarted("other-workspace", runId);
            recorder.stepCompleted("ws", runId, "never-started", null);
            recorder.stepStarted("ws", runId, FETCH, Map.of("bad", new Object()));
            recorder.runCompleted("ws", runId, null);
            recorder.runCompleted("ws", runId, null); // already ended
        }).doesNotThrowAnyException();

        RecorderCounters counters = recorder.counters();
        assertThat(counters.rejectedCalls()).isEqualTo(6);
        assertThat(counters.events()).isEqualTo(2);
    }

    @Test
    void aResumedRunContinuesAsItsNextAttemptWithNewStepRuns() {
        RunRecorder recorder = recorder();
        String runId = recorder.runQueued("ws", "wf", "Workflow", null);
        recorder.runStarted("ws", runId);
        recorder.stepStarted("ws", runId, FETCH, null);
        recorder.stepFailed("ws", runId, "fetch", "HTTP 500", "NETWORK");
        recorder.runFailed("ws", runId, "Step 'fetch' failed");
        clock.advance(Duration.ofMinutes(5));

        Run claimed = store.lastRun().claimedForResume("jvm-2", recorder.now());
        recorder.runResumed("ws", claimed);
        recorder.runStarted("ws", runId);
        recorder.stepStarted("ws", runId, FETCH, null);
        recorder.stepCompleted("ws", runId, "fetch", null);
        recorder.runCompleted("ws", runId, null);

        assertThat(recorder.counters().rejectedCalls()).isZero();
        assertThat(store.lastRun().attempt()).isEqualTo(2);
        assertThat(store.lastRun().status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(store.lastRun().startedAt()).isEqualTo(START); // the run's first start is kept
        assertThat(store.steps).extracting(StepRun::attempt).containsExactly(1, 1, 2, 2);
        assertThat(events).extracting(RunEvent::type).contains(RunEvent.Type.RUN_RESUMED);
    }

    @Test
    void aResumedRunsExecutionTimeIsItsAttemptsWithoutTheWaitBetweenThem() {
        RunRecorder recorder = recorder();
        String runId = recorder.runQueued("ws", "wf", "Workflow", null);
        recorder.runStarted("ws", runId);
        clock.advance(Duration.ofSeconds(3));
        recorder.runFailed("ws", runId, "Step 'fetch' failed");
        clock.advance(Duration.ofHours(1)); // failed, until an operator resumes it
        Run claimed = store.lastRun().claimedForResume("jvm-2", recorder.now());
        recorder.runResumed("ws", claimed);
        clock.advance(Duration.ofSeconds(10)); // queued again until a worker takes it
        recorder.runStarted("ws", runId);
        clock.advance(Duration.ofSeconds(3));
        recorder.runCompleted("ws", runId, null);

        Run done = store.lastRun();
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.waitedBetweenAttempts()).isEqualTo(Duration.ofHours(1).plusSeconds(10));
        assertThat(done.executionTime()).contains(Duration.ofSeconds(6));
        assertThat(done.endToEnd()).contains(Duration.ofHours(1).plusSeconds(16));
    }

    @Test
    void aStepPausedOrCancelledBeforeItStartedHasNoStartAndKeepsItsReason() {
        RunRecorder recorder = recorder();
        StepSpec approve = new StepSpec("approve", "Approve", 2, "approval");
        String runId = recorder.runQueued("ws", "wf", null, null);
        recorder.runStarted("ws", runId);
        recorder.stepQueued("ws", runId, FETCH, null);
        recorder.stepQueued("ws", runId, approve, null);
        clock.advance(Duration.ofMillis(5));
        recorder.stepPaused("ws", runId, "approve", "waits for approval");
        recorder.stepCancelled("ws", runId, "fetch", "operator cancelled");
        recorder.runPaused("ws", runId, "waits for approval");

        StepRun paused = store.steps.stream().filter(s -> s.stepId().equals("approve")).reduce((a, b) -> b).orElseThrow();
        StepRun cancelled = store.steps.stream().filter(s -> s.stepId().equals("fetch")).reduce((a, b) -> b).orElseThrow();
        assertThat(paused.status()).isEqualTo(RunStatus.PAUSED);
        assertThat(paused.startedAt()).isNull();
        assertThat(paused.completedAt()).isEqualTo(START.plusMillis(5));
        assertThat(paused.errorMessage()).isEqualTo("waits for approval");
        assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(cancelled.startedAt()).isNull();
        assertThat(events).extracting(RunEvent::type).contains(RunEvent.Type.STEP_PAUSED, RunEvent.Type.STEP_CANCELLED);
        assertThat(recorder.counters().rejectedCalls()).isZero();
    }
}
