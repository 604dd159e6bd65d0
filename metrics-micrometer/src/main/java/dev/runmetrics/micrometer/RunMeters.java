package dev.runmetrics.micrometer;

import dev.runmetrics.core.model.LifecycleTimes;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunEvent;
import dev.runmetrics.core.record.RunListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * The run half of the bridge: a {@link RunListener} that turns the recorder's lifecycle events into
 * run and step timers, counters of ended runs, and gauges of the runs queued and running.
 *
 * <p>Durations are those of the run model ({@link LifecycleTimes}): the queue wait is recorded once,
 * when a run (or step) first starts; execution time and end-to-end latency when an attempt ends
 * (completed, failed, cancelled, timed out, paused; skipped for steps), tagged with how it ended. A
 * resumed run's second end is recorded again, with its first {@code startedAt}, as the run model
 * defines it.
 *
 * <p>Run timers publish a percentile histogram unless the bridge turns them off; step timers only
 * if the bridge asks for it ({@code stepPercentileHistograms}), since steps are many and each is
 * also a node with a duration histogram of its own.
 *
 * <p>The gauges count the runs this listener saw queued or started and not yet ended, per
 * workspace and workflow; it keeps the status of those runs only (the runs in flight).
 *
 * <p>Thread-safe: the recorder calls it for different runs from different threads at once. Each
 * event costs a map look-up or two and a few meter updates; the first event of a new workflow or
 * step registers its meters.
 */
final class RunMeters implements RunListener {
    /** Runs and steps take longer than node calls: histogram buckets up to an hour (Micrometer's default stops at 30 s). */
    static final Duration MAX_EXPECTED_RUN_DURATION = Duration.ofHours(1);
    private static final RunStatus[] STATUSES = RunStatus.values();

    private final MeterRegistry registry;
    private final boolean histograms;
    private final boolean stepHistograms;
    private final SeriesBudget workflowBudget;
    private final SeriesBudget stepBudget;
    private final ConcurrentHashMap<WorkflowKey, WorkflowMeters> workflows = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<StepKey, StepMeters> steps = new ConcurrentHashMap<>();
    /** The status of each run in flight that the gauges count; keyed by workspace and run id, never a tag. */
    private final ConcurrentHashMap<RunKey, RunStatus> inFlight = new ConcurrentHashMap<>();

    RunMeters(MeterRegistry registry, boolean histograms, boolean stepHistograms, int maxWorkflows, int maxSteps) {
        this.registry = registry;
        this.histograms = histograms;
        this.stepHistograms = stepHistograms;
        this.workflowBudget = new SeriesBudget(registry, "workflow", maxWorkflows);
        this.stepBudget = new SeriesBudget(registry, "step", maxSteps);
    }

    @Override
    public void onEvent(RunEvent event) {
        if (event.type().isStepEvent()) {
            onStep(event);
        } else {
            onRun(event);
        }
    }

    private void onRun(RunEvent event) {
        Run run = event.run();
        WorkflowMeters meters = workflow(run.workspaceId(), run.workflowId());
        if (meters == null) {
            workflowBudget.drop();
            return;
        }
        track(meters, run);
        switch (event.type()) {
            case RUN_STARTED -> {
                if (event.at().equals(run.startedAt())) { // the first start; a resumed attempt keeps it
                    run.queueWait().ifPresent(meters.queueWait::record);
                }
            }
            case RUN_COMPLETED, RUN_FAILED, RUN_CANCELLED, RUN_TIMEOUT, RUN_PAUSED -> {
                RunStatus status = run.status();
                meters.ended(status).increment();
                run.executionTime().ifPresent(d -> meters.execution(status).record(d));
                run.endToEnd().ifPresent(d -> meters.latency(status).record(d));
            }
            default -> {
            }
        }
    }

    private void onStep(RunEvent event) {
        StepRun step = event.step();
        switch (event.type()) {
            case STEP_STARTED, STEP_RETRIED, STEP_COMPLETED, STEP_FAILED, STEP_CANCELLED, STEP_PAUSED, STEP_SKIPPED -> {
            }
            default -> {
                return; // queued and attribute events publish nothing: no look-up, no drop
            }
        }
        StepMeters meters = step(step.workspaceId(), event.run().workflowId(), step.stepId());
        if (meters == null) {
            stepBudget.drop();
            return;
        }
        switch (event.type()) {
            case STEP_STARTED -> {
                if (event.at().equals(step.startedAt())) { // the first try; retries keep its startedAt
                    step.queueWait().ifPresent(meters.queueWait::record);
                }
            }
            case STEP_RETRIED -> meters.retries().increment();
            default -> {
                RunStatus status = step.status();
                // A step that never started (skipped, or cancelled or paused while waiting) has no
                // execution time, and so no execution series for that status.
                step.executionTime().ifPresent(d -> meters.execution(status).record(d));
                step.endToEnd().ifPresent(d -> meters.latency(status).record(d));
            }
        }
    }

    /** Moves the run's count from the gauge of its previous status to that of its current one. */
    private void track(WorkflowMeters meters, Run run) {
        RunKey key = new RunKey(run.workspaceId(), run.runId());
        RunStatus now = run.status();
        boolean live = now == RunStatus.QUEUED || now == RunStatus.RUNNING;
        RunStatus before = live ? inFlight.put(key, now) : inFlight.remove(key);
        if (before != null) {
            meters.gauge(before).decrementAndGet();
        }
        if (live) {
            meters.gauge(now).incrementAndGet();
        }
    }

    private WorkflowMeters workflow(String workspaceId, String workflowId) {
        WorkflowKey key = new WorkflowKey(workspaceId, workflowId);
        WorkflowMeters meters = workflows.get(key);
        if (meters != null) {
            return meters;
        }
        return workflows.computeIfAbsent(key, k -> workflowBudget.tryAdmit() ? new WorkflowMeters(k) : null);
    }

    private StepMeters step(String workspaceId, String workflowId, String stepId) {
        StepKey key = new StepKey(workspaceId, workflowId, stepId);
        StepMeters meters = steps.get(key);
        if (meters != null) {
            return meters;
        }
        return steps.computeIfAbsent(key, k -> stepBudget.tryAdmit() ? new StepMeters(k) : null);
    }

    int runsInFlight() {
        return inFlight.size();
    }

    private Timer timer(String name, String description, Tags tags, boolean histogram) {
        return Timer.builder(name).description(description).tags(tags)
                .publishPercentileHistogram(histogram)
                .maximumExpectedValue(MAX_EXPECTED_RUN_DURATION)
                .register(registry);
    }

    /** Registers a meter per status on first use; a race registers twice and gets the same meter. */
    private static <M> M perStatus(AtomicReferenceArray<M> meters, RunStatus status, Function<String, M> create) {
        M meter = meters.get(status.ordinal());
        if (meter == null) {
            meter = create.apply(status.wireName());
            meters.set(status.ordinal(), meter);
        }
        return meter;
    }

    private record WorkflowKey(String workspaceId, String workflowId) {}

    private record RunKey(String workspaceId, String runId) {}

    private record StepKey(String workspaceId, String workflowId, String stepId) {}

    private final class WorkflowMeters {
        final Tags tags;
        final Timer queueWait;
        final AtomicLong running = new AtomicLong();
        final AtomicLong queued = new AtomicLong();
        final AtomicReferenceArray<Timer> execution = new AtomicReferenceArray<>(STATUSES.length);
        final AtomicReferenceArray<Timer> latency = new AtomicReferenceArray<>(STATUSES.length);
        final AtomicReferenceArray<Counter> ended = new AtomicReferenceArray<>(STATUSES.length);

        WorkflowMeters(WorkflowKey key) {
            this.tags = Tags.of(MeterNames.WORKSPACE, key.workspaceId(), MeterNames.WORKFLOW, key.workflowId());
            this.queueWait = timer(MeterNames.RUN_QUEUE_WAIT, "How long runs waited from queued to their first start", tags,
                    histograms);
            Gauge.builder(MeterNames.RUNS_RUNNING, running, AtomicLong::get)
                    .description("Runs executing now in this process").tags(tags).strongReference(true)
                    .register(registry);
            Gauge.builder(MeterNames.RUNS_QUEUED, queued, AtomicLong::get)
                    .description("Runs waiting for a worker now in this process").tags(tags).strongReference(true)
                    .register(registry);
        }

        AtomicLong gauge(RunStatus status) {
            return status == RunStatus.RUNNING ? running : queued;
        }

        Timer execution(RunStatus status) {
            return perStatus(execution, status, s -> timer(MeterNames.RUN_EXECUTION,
                    "How long runs executed, from their first start to their end", tags.and(MeterNames.STATUS, s),
                    histograms));
        }

        Timer latency(RunStatus status) {
            return perStatus(latency, status, s -> timer(MeterNames.RUN_LATENCY,
                    "End-to-end latency of runs, from queued to their end", tags.and(MeterNames.STATUS, s), histograms));
        }

        Counter ended(RunStatus status) {
            return perStatus(ended, status, s -> Counter.builder(MeterNames.RUNS_ENDED)
                    .description("Run attempts that ended (or paused), by status")
                    .tags(tags.and(MeterNames.STATUS, s)).register(registry));
        }
    }

    private final class StepMeters {
        final Tags tags;
        final Timer queueWait;
        final AtomicReferenceArray<Timer> execution = new AtomicReferenceArray<>(STATUSES.length);
        final AtomicReferenceArray<Timer> latency = new AtomicReferenceArray<>(STATUSES.length);
        volatile Counter retries;

        StepMeters(StepKey key) {
            this.tags = Tags.of(MeterNames.WORKSPACE, key.workspaceId(), MeterNames.WORKFLOW, key.workflowId(),
                    MeterNames.STEP, key.stepId());
            this.queueWait = timer(MeterNames.STEP_QUEUE_WAIT, "How long steps waited from scheduled to their first try", tags,
                    stepHistograms);
        }

        Timer execution(RunStatus status) {
            return perStatus(execution, status, s -> timer(MeterNames.STEP_EXECUTION,
                    "How long steps executed, from their first try to their end (retries and backoff included)",
                    tags.and(MeterNames.STATUS, s), stepHistograms));
        }

        Timer latency(RunStatus status) {
            return perStatus(latency, status, s -> timer(MeterNames.STEP_LATENCY,
                    "End-to-end latency of steps, from scheduled to their end", tags.and(MeterNames.STATUS, s),
                    stepHistograms));
        }

        Counter retries() {
            Counter counter = retries;
            if (counter == null) {
                retries = counter = Counter.builder(MeterNames.STEP_RETRIES)
                        .description("Tries of the step that failed and were tried again")
                        .tags(tags).register(registry);
            }
            return counter;
        }
    }
}
