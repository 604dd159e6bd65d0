package dev.runmetrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs recorded through a real {@link RunRecorder} into an {@link InMemoryRunStore}, on a manual clock. */
class RunMetersTest {
    private static final String WS = "ws-1";
    private static final StepSpec EXTRACT = new StepSpec("extract", "Extract", 1, "extract-node");
    private static final StepSpec LOAD = new StepSpec("load", "Load", 2, "load-node");

    private final ManualClock clock = new ManualClock(Instant.parse("2026-05-04T12:00:00Z"));
    private final InMemoryRunStore store = new InMemoryRunStore("test-instance");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RunRecorder recorder(MicrometerBridge bridge) {
        return RunRecorder.builder(store).clock(clock).instanceId("test-instance").listener(bridge.runListener())
                .build();
    }

    private void advance(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    private Timer runTimer(String name, String workflow, String... statusTag) {
        var search = registry.get(name).tags(MeterNames.WORKSPACE, WS, MeterNames.WORKFLOW, workflow);
        return statusTag.length == 0 ? search.timer() : search.tag(MeterNames.STATUS, statusTag[0]).timer();
    }

    private Timer stepTimer(String name, String workflow, String step, String... statusTag) {
        var search = registry.get(name).tags(MeterNames.WORKSPACE, WS, MeterNames.WORKFLOW, workflow, MeterNames.STEP, step);
        return statusTag.length == 0 ? search.timer() : search.tag(MeterNames.STATUS, statusTag[0]).timer();
    }

    private double gauge(String name, String workflow) {
        return registry.get(name).tags(MeterNames.WORKSPACE, WS, MeterNames.WORKFLOW, workflow).gauge().value();
    }

    private double ended(String workflow, String status) {
        return registry.get(MeterNames.RUNS_ENDED)
                .tags(MeterNames.WORKSPACE, WS, MeterNames.WORKFLOW, workflow, MeterNames.STATUS, status)
                .counter().count();
    }

    private static double seconds(Timer timer) {
        return timer.totalTime(TimeUnit.MILLISECONDS) / 1000.0;
    }

    @Test
    void aRunsAndItsStepsDurationsAreTheRunModelsQueueWaitExecutionAndEndToEnd() {
        RunRecorder recorder = recorder(MicrometerBridge.create(registry));

        String run = recorder.runQueued(WS, "etl", "ETL", Map.of("day", "2026-05-04")); // t0
        advance(2);
        recorder.runStarted(WS, run); // t2
        recorder.stepQueued(WS, run, EXTRACT, null);
        advance(1);
        recorder.stepStarted(WS, run, EXTRACT, null); // t3
        advance(3);
        recorder.stepRetried(WS, run, "extract", "connection reset", "NETWORK"); // t6
        advance(1);
        recorder.stepStarted(WS, run, EXTRACT, null); // t7, the retry: no second queue wait
        advance(2);
        recorder.stepCompleted(WS, run, "extract", Map.of("rows", 10)); // t9
        advance(1);
        recorder.runCompleted(WS, run, null); // t10

        assertThat(runTimer(MeterNames.RUN_QUEUE_WAIT, "etl").count()).isEqualTo(1);
        assertThat(seconds(runTimer(MeterNames.RUN_QUEUE_WAIT, "etl"))).isEqualTo(2.0);
        assertThat(seconds(runTimer(MeterNames.RUN_EXECUTION, "etl", "completed"))).isEqualTo(8.0);
        assertThat(seconds(runTimer(MeterNames.RUN_LATENCY, "etl", "completed"))).isEqualTo(10.0);
        assertThat(ended("etl", "completed")).isEqualTo(1.0);

        assertThat(stepTimer(MeterNames.STEP_QUEUE_WAIT, "etl", "extract").count()).isEqualTo(1);
        assertThat(seconds(stepTimer(MeterNames.STEP_QUEUE_WAIT, "etl", "extract"))).isEqualTo(1.0);
        assertThat(seconds(stepTimer(MeterNames.STEP_EXECUTION, "etl", "extract", "completed"))).isEqualTo(6.0);
        assertThat(seconds(stepTimer(MeterNames.STEP_LATENCY, "etl", "extract", "completed"))).isEqualTo(7.0);
        assertThat(registry.get(MeterNames.STEP_RETRIES).tag(MeterNames.STEP, "extract").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void theGaugesFollowEachRunFromQueuedToRunningToEnded() {
        RunRecorder recorder = recorder(MicrometerBridge.create(registry));

        String first = recorder.runQueued(WS, "etl", "ETL", null);
        String second = recorder.runQueued(WS, "etl", "ETL", null);
        assertThat(gauge(MeterNames.RUNS_QUEUED, "etl")).isEqualTo(2.0);
        assertThat(gauge(MeterNames.RUNS_RUNNING, "etl")).isEqualTo(0.0);

        recorder.runStarted(WS, first);
        assertThat(gauge(MeterNames.RUNS_QUEUED, "etl")).isEqualTo(1.0);
        assertThat(gauge(MeterNames.RUNS_RUNNING, "etl")).isEqualTo(1.0);

        recorder.runFailed(WS, first, "boom");
        recorder.runCancelled(WS, second, "not needed");
        assertThat(gauge(MeterNames.RUNS_QUEUED, "etl")).isEqualTo(0.0);
        assertThat(gauge(MeterNames.RUNS_RUNNING, "etl")).isEqualTo(0.0);
        assertThat(ended("etl", "failed")).isEqualTo(1.0);
        assertThat(ended("etl", "cancelled")).isEqualTo(1.0);
        // A run cancelled while queued never started: it has an end-to-end latency, no execution time.
        assertThat(runTimer(MeterNames.RUN_LATENCY, "etl", "cancelled").count()).isEqualTo(1);
        assertThat(registry.find(MeterNames.RUN_EXECUTION).tag(MeterNames.STATUS, "cancelled").timer()).isNull();
    }

    @Test
    void aPausedRunThatIsResumedEndsTwiceAndWaitsInTheQueueOnce() {
        RunRecorder recorder = recorder(MicrometerBridge.create(registry));
        String run = recorder.runQueued(WS, "etl", "ETL", null);
        advance(1);
        recorder.runStarted(WS, run);
        recorder.stepStarted(WS, run, EXTRACT, null);
        advance(4);
        recorder.stepPaused(WS, run, "extract", "waits for approval");
        recorder.runPaused(WS, run, "waits for approval"); // t5
        assertThat(ended("etl", "paused")).isEqualTo(1.0);
        assertThat(seconds(runTimer(MeterNames.RUN_EXECUTION, "etl", "paused"))).isEqualTo(4.0);

        advance(10);
        ResumeClaim claim = store.claimResume(WS, run, 1, "test-instance", recorder.now());
        recorder.runResumed(WS, ((ResumeClaim.Claimed) claim).run()); // t15, attempt 2
        assertThat(gauge(MeterNames.RUNS_QUEUED, "etl")).isEqualTo(1.0);
        advance(1);
        recorder.runStarted(WS, run);
        assertThat(gauge(MeterNames.RUNS_RUNNING, "etl")).isEqualTo(1.0);
        recorder.stepStarted(WS, run, EXTRACT, null);
        advance(2);
        recorder.stepCompleted(WS, run, "extract", null);
        recorder.runCompleted(WS, run, null); // t18

        assertThat(runTimer(MeterNames.RUN_QUEUE_WAIT, "etl").count()).isEqualTo(1); // the first start only
        assertThat(ended("etl", "completed")).isEqualTo(1.0);
        // As the run model defines it: the time it executed, 4 s before the pause and 2 s after,
        // without the 10 s it sat paused and the 1 s it waited to start again.
        assertThat(seconds(runTimer(MeterNames.RUN_EXECUTION, "etl", "completed"))).isEqualTo(6.0);
        assertThat(stepTimer(MeterNames.STEP_EXECUTION, "etl", "extract", "paused").count()).isEqualTo(1);
        assertThat(stepTimer(MeterNames.STEP_EXECUTION, "etl", "extract", "completed").count()).isEqualTo(1);
        assertThat(gauge(MeterNames.RUNS_RUNNING, "etl")).isEqualTo(0.0);
    }

    @Test
    void skippedAndCancelledStepsThatNeverStartedHaveALatencyButNoExecutionTime() {
        RunRecorder recorder = recorder(MicrometerBridge.create(registry));
        String run = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.runStarted(WS, run);
        recorder.stepSkipped(WS, run, EXTRACT, "condition false");
        recorder.stepQueued(WS, run, LOAD, null);
        advance(3);
        recorder.stepCancelled(WS, run, "load", "run cancelled");
        recorder.runCancelled(WS, run, "operator");

        assertThat(stepTimer(MeterNames.STEP_LATENCY, "etl", "extract", "skipped").count()).isEqualTo(1);
        assertThat(seconds(stepTimer(MeterNames.STEP_LATENCY, "etl", "load", "cancelled"))).isEqualTo(3.0);
        assertThat(registry.find(MeterNames.STEP_EXECUTION).meters()).isEmpty();
        assertThat(registry.find(MeterNames.STEP_QUEUE_WAIT).timers()).allSatisfy(t -> assertThat(t.count()).isZero());
    }

    @Test
    void workflowsOverTheCapGetNoMetersAndTheirEventsAreCountedAsDropped() {
        RunRecorder recorder = recorder(MicrometerBridge.builder(registry).maxWorkflows(1).build());

        String kept = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.runStarted(WS, kept);
        recorder.runCompleted(WS, kept, null);
        String other = recorder.runQueued(WS, "report", "Report", null);
        recorder.runStarted(WS, other);
        recorder.runCompleted(WS, other, null);
        String inAnotherWorkspace = recorder.runQueued("ws-2", "etl", "ETL", null); // another pair

        assertThat(registry.find(MeterNames.RUNS_ENDED).counters())
                .extracting(c -> c.getId().getTag(MeterNames.WORKFLOW)).containsExactly("etl");
        assertThat(registry.find(MeterNames.RUNS_QUEUED).gauges()).hasSize(1);
        assertThat(registry.get(MeterNames.DROPPED).tag(MeterNames.KIND, "workflow").counter().count()).isEqualTo(4.0);
        assertThat(inAnotherWorkspace).isNotNull();
    }

    @Test
    void stepsOverTheCapGetNoMetersAndTheirEventsAreCountedAsDropped() {
        RunRecorder recorder = recorder(MicrometerBridge.builder(registry).maxSteps(1).build());

        String run = recorder.runQueued(WS, "etl", "ETL", null);
        recorder.runStarted(WS, run);
        recorder.stepStarted(WS, run, EXTRACT, null);
        recorder.stepCompleted(WS, run, "extract", null);
        recorder.stepQueued(WS, run, LOAD, null); // a queued event publishes nothing: not a drop
        recorder.stepStarted(WS, run, LOAD, null);
        recorder.stepCompleted(WS, run, "load", null);
        recorder.runCompleted(WS, run, null);

        assertThat(registry.find(MeterNames.STEP_QUEUE_WAIT).timers())
                .extracting(t -> t.getId().getTag(MeterNames.STEP)).containsExactly("extract");
        assertThat(registry.get(MeterNames.DROPPED).tag(MeterNames.KIND, "step").counter().count()).isEqualTo(2.0);
        assertThat(ended("etl", "completed")).isEqualTo(1.0); // the run itself is within its cap
    }

    @Test
    void noTagCarriesARunIdAnInputOrAnErrorMessage() {
        RunRecorder recorder = recorder(MicrometerBridge.create(registry));
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String run = recorder.runQueued(WS, "etl", "ETL", Map.of("customer", "alice-" + i), Map.of("user_id", "u" + i));
            runIds.add(run);
            recorder.runStarted(WS, run);
            recorder.stepStarted(WS, run, EXTRACT, Map.of("table", "orders-" + i));
            recorder.stepFailed(WS, run, "extract", "secret error text " + i, "OTHER");
            recorder.runFailed(WS, run, "secret error text " + i);
        }

        List<Tag> tags = registry.getMeters().stream().map(Meter::getId).flatMap(id -> id.getTags().stream()).toList();
        assertThat(tags).extracting(Tag::getKey)
                .containsOnly(MeterNames.WORKSPACE, MeterNames.WORKFLOW, MeterNames.STEP, MeterNames.STATUS, MeterNames.KIND);
        assertThat(tags).extracting(Tag::getValue)
                .doesNotContainAnyElementsOf(runIds)
                .noneMatch(v -> v.contains("alice") || v.contains("secret") || v.contains("orders") || v.startsWith("u"));
    }

    @Test
    void runsRecordedFromManyThreadsAtOnceLeaveExactCountsAndTheGaugesAtZero() throws Exception {
        MicrometerBridge bridge = MicrometerBridge.create(registry);
        RunRecorder recorder = recorder(bridge);
        int threads = 4;
        int runsPerThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String workflow = "wf-" + (t % 2);
                tasks.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < runsPerThread; i++) {
                        String run = recorder.runQueued(WS, workflow, workflow, null);
                        recorder.runStarted(WS, run);
                        recorder.stepStarted(WS, run, EXTRACT, null);
                        recorder.stepCompleted(WS, run, "extract", null);
                        recorder.runCompleted(WS, run, null);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        for (String workflow : List.of("wf-0", "wf-1")) {
            assertThat(ended(workflow, "completed")).isEqualTo(2.0 * runsPerThread);
            assertThat(gauge(MeterNames.RUNS_QUEUED, workflow)).isZero();
            assertThat(gauge(MeterNames.RUNS_RUNNING, workflow)).isZero();
            assertThat(stepTimer(MeterNames.STEP_EXECUTION, workflow, "extract", "completed").count())
                    .isEqualTo(2L * runsPerThread);
        }
        assertThat(((RunMeters) bridge.runListener()).runsInFlight()).isZero();
        assertThat(recorder.counters().listenerFailures()).isZero();
    }
}
