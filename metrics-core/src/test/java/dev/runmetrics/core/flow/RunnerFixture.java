package dev.runmetrics.core.flow;

import dev.runmetrics.core.flow.example.ExampleWorkflows;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.node.Sleeper;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunListener;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.StepCheckpoint;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.time.ManualClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A runner of the four example workflows over an {@link InMemoryRunStore} (behind a
 * {@link FaultyStore}), with a fake clock, no latency unless asked, and a hook that counts each
 * step's calls, keeps their inputs, and fails the steps named in {@link #failing}.
 */
final class RunnerFixture implements AutoCloseable {
    static final String WS = "ws-1";
    /** Where the fixture's clock starts. */
    static final Instant START = Instant.parse("2026-05-04T12:00:00Z");

    final ManualClock clock;
    final InMemoryRunStore memory;
    final FaultyStore store;
    final List<RunEvent> events = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<String, List<StepInput>> inputs = new ConcurrentHashMap<>();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    volatile ExampleWorkflows.StepHook extraHook = (workflowId, input) -> { };
    final RunRecorder recorder;
    final WorkflowRunner runner;

    RunnerFixture(int workers) {
        this(workers, ExampleWorkflows.Latency.none(), duration -> { }, RetryPolicy.none());
    }

    /** A fixture whose runner the test configures further (checkpoint policy, ...). */
    RunnerFixture(int workers, UnaryOperator<WorkflowRunner.Builder> runnerOptions) {
        this(new ManualClock(START), new InMemoryRunStore("test-instance"), "jvm-test", workers,
                ExampleWorkflows.Latency.none(), duration -> { }, RetryPolicy.none(), runnerOptions);
    }

    RunnerFixture(int workers, ExampleWorkflows.Latency latency, Sleeper sleeper, RetryPolicy retry,
            RunListener... extraListeners) {
        this(new ManualClock(START), new InMemoryRunStore("test-instance"), "jvm-test", workers, latency, sleeper,
                retry, UnaryOperator.identity(), extraListeners);
    }

    /** A second process: another runner and recorder over the same store and clock. */
    RunnerFixture(RunnerFixture sameStore, String instanceId) {
        this(sameStore.clock, sameStore.memory, instanceId, 2, ExampleWorkflows.Latency.none(), duration -> { },
                RetryPolicy.none(), UnaryOperator.identity());
    }

    private RunnerFixture(ManualClock clock, InMemoryRunStore memory, String instanceId, int workers,
            ExampleWorkflows.Latency latency, Sleeper sleeper, RetryPolicy retry,
            UnaryOperator<WorkflowRunner.Builder> runnerOptions, RunListener... extraListeners) {
        this.clock = clock;
        this.memory = memory;
        this.store = new FaultyStore(memory);
        RunRecorder.Builder rb = RunRecorder.builder(store).clock(clock).instanceId(instanceId).listener(events::add);
        for (RunListener l : extraListeners) {
            rb.listener(l);
        }
        recorder = rb.build();
        ExampleWorkflows.Options options = ExampleWorkflows.Options.builder()
                .latency(latency).sleeper(sleeper).retryPolicy(retry)
                .hook((workflowId, in) -> {
                    calls.computeIfAbsent(in.stepId(), k -> new AtomicInteger()).incrementAndGet();
                    inputs.computeIfAbsent(in.stepId(), k -> new CopyOnWriteArrayList<>()).add(in);
                    extraHook.beforeStep(workflowId, in);
                    if (failing.contains(in.stepId())) {
                        throw new IllegalStateException("test failure in " + in.stepId());
                    }
                })
                .build();
        // No heartbeats: the clock is fake, and a heartbeat would move a run's heartbeatAt when a
        // test advances it (WorkflowRunnerTest tests them on a runner of its own).
        runner = runnerOptions.apply(WorkflowRunner.builder(recorder, store).workers(workers)
                .heartbeatEvery(java.time.Duration.ZERO).workflows(ExampleWorkflows.all(options))).build();
    }

    String submit(String workflowId, Map<String, ?> input) {
        return runner.submit(WS, workflowId, input);
    }

    RunOutcome await(String runId) throws Exception {
        return runner.completion(WS, runId).orElseThrow().get(10, TimeUnit.SECONDS);
    }

    int calls(String stepId) {
        AtomicInteger n = calls.get(stepId);
        return n == null ? 0 : n.get();
    }

    StepInput lastInput(String stepId) {
        List<StepInput> list = inputs.get(stepId);
        return list.get(list.size() - 1);
    }

    List<StepRun> steps(String runId) {
        return memory.findSteps(WS, runId);
    }

    StepRun step(String runId, String stepId, int attempt) {
        return steps(runId).stream().filter(s -> s.stepId().equals(stepId) && s.attempt() == attempt).findFirst()
                .orElseThrow(() -> new AssertionError("no step run " + stepId + " in attempt " + attempt));
    }

    Map<String, Object> checkpoints(String runId, int attempt) {
        Map<String, Object> byStep = new java.util.LinkedHashMap<>();
        for (StepCheckpoint c : memory.findCheckpoints(WS, runId)) {
            if (c.attempt() == attempt && !c.stepId().equals(WorkflowRunner.INPUT_CHECKPOINT)) {
                byStep.put(c.stepId(), c.output());
            }
        }
        return byStep;
    }

    @Override
    public void close() {
        runner.close();
    }
}
