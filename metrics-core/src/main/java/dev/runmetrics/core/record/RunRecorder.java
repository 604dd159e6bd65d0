package dev.runmetrics.core.record;

import dev.runmetrics.core.control.RunAction;
import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.internal.UuidV7;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.RunStatusChange;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.model.Summaries;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The API an orchestrator calls at every lifecycle event of its runs and steps. The recorder
 * keeps the state of the runs in flight, turns each call into immutable snapshots, writes them to
 * the {@link RunStore} and hands a {@link RunEvent} to every {@link RunListener}.
 *
 * <p><b>It never throws into the caller</b> (metrics must not fail a workflow). A call with an
 * invalid argument (null or malformed id, unknown run or step, a step event for a run that
 * already ended) is ignored, logged at WARNING and counted in
 * {@link RecorderCounters#rejectedCalls()}; this includes a null workspace, because a metrics
 * library that turns a host's data bug into a failed workflow does more harm than the lost
 * event. A store or listener that throws is logged (at most once per 10 seconds each, with the
 * number suppressed) and counted; the other listeners and the caller go on. Only
 * {@link VirtualMachineError}s propagate. The builder does throw on bad configuration.
 *
 * <p><b>It never blocks for long</b>: a call does in-memory work plus one store write and the
 * listener calls, on the caller's thread. Stores queue their writes ({@link RunStore}) and
 * listeners hand off their work ({@link RunListener}), so the cost stays in microseconds.
 *
 * <p><b>Time</b> comes from the injected {@link Clock}: at construction the recorder reads the wall
 * clock once, and every instant after that is that anchor plus the monotonic time elapsed, so the
 * durations derived from instants ({@link LifecycleTimes}) are monotonic and never negative, while
 * timestamps stay UTC wall time (a wall-clock step after start-up is not followed). Instants are
 * truncated to microseconds.
 *
 * <p><b>Threads</b>: thread-safe. Calls for different runs proceed in parallel; calls for the same
 * run (parallel branches) are serialised by a per-run lock, held while the store write and the
 * listeners run, so every consumer sees one run's events in order.
 *
 * <p><b>Lifecycle</b>: a run is in flight from {@link #runQueued} until it completes, fails, is
 * cancelled, times out or pauses; then the recorder forgets it (end a run after its steps have
 * ended: later step events are rejected). {@link #runResumed} takes it up again for the next
 * attempt from the snapshot a {@link RunStore#claimResume} returned.
 */
public final class RunRecorder {

    private static final System.Logger LOG = System.getLogger(RunRecorder.class.getName());
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final RunStore store;
    private final Clock clock;
    private final String instanceId;
    private final List<RunListener> listeners;
    private final int summaryMaxChars;
    private final UuidV7 ids;
    private final Instant anchorWall;
    private final long anchorNanos;
    private final Map<Key, LiveRun> live = new ConcurrentHashMap<>();

    private final LongAdder events = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder listenerFailures = new LongAdder();
    private final LongAdder storeFailures = new LongAdder();
    private final Throttle rejectLog = new Throttle();
    private final Throttle listenerLog = new Throttle();
    private final Throttle storeLog = new Throttle();

    private RunRecorder(Builder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.listeners = List.copyOf(b.listeners);
        this.summaryMaxChars = b.summaryMaxChars;
        this.ids = new UuidV7(clock);
        this.instanceId = b.instanceId != null ? b.instanceId : ids.nextString();
        this.anchorWall = clock.wallTime().truncatedTo(ChronoUnit.MICROS);
        this.anchorNanos = clock.monotonicNanos();
    }

    /**
     * Returns a builder of a recorder writing to {@code store}.
     *
     * @throws NullPointerException if store is null
     */
    public static Builder builder(RunStore store) {
        return new Builder(store);
    }

    /** Returns the id of this process as an owner of runs ({@link Run#instanceId()}). */
    public String instanceId() {
        return instanceId;
    }

    /** Returns the recorder's current time: the instant it stamps on the next event. */
    public Instant now() {
        long elapsed = Math.max(0, clock.monotonicNanos() - anchorNanos);
        return anchorWall.plusNanos(elapsed).truncatedTo(ChronoUnit.MICROS);
    }

    /** Returns a snapshot of the health counters. */
    public RecorderCounters counters() {
        return new RecorderCounters(events.sum(), rejected.sum(), listenerFailures.sum(), storeFailures.sum());
    }

    // ---------------------------------------------------------------- runs

    /**
     * Records that a run was queued and returns its new id (a UUIDv7 string). The id is returned
     * even when the call is rejected, so the caller's later calls are rejected too, never thrown.
     *
     * @param workspaceId the tenant
     * @param workflowId the workflow
     * @param workflowName its display name (null: the workflow id)
     * @param input the run's input variables, a JSON-like value (summarised), or null
     * @return the run id
     */
    public String runQueued(String workspaceId, String workflowId, String workflowName, Object input) {
        return runQueued(workspaceId, workflowId, workflowName, input, null);
    }

    /**
     * Like {@link #runQueued(String, String, String, Object)}, with host-defined run attributes
     * such as {@link Run#USER_ID} and {@link Run#PRIORITY}.
     *
     * @param attributes JSON-like values, or null
     * @return the run id
     */
    public String runQueued(String workspaceId, String workflowId, String workflowName, Object input,
            Map<String, ?> attributes) {
        return runQueued(workspaceId, workflowId, workflowName, input, attributes, null);
    }

    /**
     * Like {@link #runQueued(String, String, String, Object, Map)}, with the steps the
     * orchestrator plans to run, so that a run's timeline and detail show every step of the
     * workflow, also those the run never reached (as pending). They are kept with the run (the
     * attribute {@link Run#PLANNED_STEPS}), not as step runs: a step run exists only once the
     * step is scheduled, so queue-wait statistics count only steps that really waited.
     *
     * @param attributes JSON-like values, or null
     * @param plannedSteps the steps of the workflow's definition, in order, or null (or empty)
     *     when the orchestrator does not know them in advance
     * @return the run id
     */
    public String runQueued(String workspaceId, String workflowId, String workflowName, Object input,
            Map<String, ?> attributes, List<StepSpec> plannedSteps) {
        String runId = ids.nextString();
        guard("runQueued", () -> {
            Instant now = now();
            Map<String, Object> attrs = attributes == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(JsonValues.copyOfMap(attributes));
            attrs.remove(Run.STATUS_HISTORY); // the recorder's own
            attrs.remove(Run.PLANNED_STEPS);
            if (plannedSteps != null && !plannedSteps.isEmpty()) {
                attrs.put(Run.PLANNED_STEPS, Run.plannedStepsAttribute(plannedSteps));
            }
            LiveRun run = new LiveRun(Run.builder().workspaceId(workspaceId).runId(runId).workflowId(workflowId)
                    .workflowName(workflowName == null ? workflowId : workflowName).status(RunStatus.QUEUED)
                    .queuedAt(now).inputSummary(Summaries.summarize(input, summaryMaxChars)).createdAt(now)
                    .updatedAt(now).instanceId(instanceId).heartbeatAt(now).attributes(attrs).build());
            live.put(new Key(workspaceId, runId), run);
            synchronized (run) {
                publishRun(run, RunEvent.Type.RUN_QUEUED, now);
            }
        });
        return runId;
    }

    /** Records that a queued run (or a resumed attempt) started executing. */
    public void runStarted(String workspaceId, String runId) {
        onRun("runStarted", workspaceId, runId, (run, now) -> {
            requireStatus(run.snapshot, RunStatus.QUEUED);
            if (run.resumedAt != null) {
                // A resumed attempt: the time since the claim is waiting, not execution.
                run.snapshot = run.snapshot.toBuilder().waitedBetweenAttempts(run.snapshot.waitedBetweenAttempts()
                        .plus(nonNegative(run.resumedAt, now))).build();
                run.resumedAt = null;
            }
            run.update(RunStatus.RUNNING, now, run.snapshot.startedAt() == null ? now : run.snapshot.startedAt(),
                    null, run.snapshot.resultsSummary(), null);
            publishRun(run, RunEvent.Type.RUN_STARTED, now);
        });
    }

    /**
     * Records that a run completed.
     *
     * @param results the run's results, a JSON-like value (summarised), or null
     */
    public void runCompleted(String workspaceId, String runId, Object results) {
        endRun("runCompleted", workspaceId, runId, RunStatus.COMPLETED, results, null, RunEvent.Type.RUN_COMPLETED);
    }

    /** Records that a run failed, with the error shown to people (the run's {@code error_message}). */
    public void runFailed(String workspaceId, String runId, String errorMessage) {
        endRun("runFailed", workspaceId, runId, RunStatus.FAILED, null, errorMessage, RunEvent.Type.RUN_FAILED);
    }

    /** Records that a run was cancelled, with the reason (or null). */
    public void runCancelled(String workspaceId, String runId, String reason) {
        endRun("runCancelled", workspaceId, runId, RunStatus.CANCELLED, null, reason, RunEvent.Type.RUN_CANCELLED);
    }

    /** Records that a run ran out of time. */
    public void runTimedOut(String workspaceId, String runId, String errorMessage) {
        endRun("runTimedOut", workspaceId, runId, RunStatus.TIMEOUT, null, errorMessage, RunEvent.Type.RUN_TIMEOUT);
    }

    /** Records that a run paused (operator, or a step waiting for approval), with the reason. */
    public void runPaused(String workspaceId, String runId, String reason) {
        endRun("runPaused", workspaceId, runId, RunStatus.PAUSED, null, reason, RunEvent.Type.RUN_PAUSED);
    }

    /**
     * Takes up a run again for the attempt a successful {@link RunStore#claimResume} started, and
     * records {@link RunEvent.Type#RUN_RESUMED}. The run is then in flight in status
     * {@code QUEUED}; call {@link #runStarted} when it runs.
     *
     * @param claimed the snapshot of {@link ResumeClaim.Claimed#run()}
     */
    public void runResumed(String workspaceId, Run claimed) {
        guard("runResumed", () -> {
            Objects.requireNonNull(claimed, "claimed");
            if (!claimed.workspaceId().equals(workspaceId)) {
                throw new IllegalArgumentException("run " + claimed.runId() + " belongs to another workspace");
            }
            requireStatus(claimed, RunStatus.QUEUED);
            Instant now = now();
            LiveRun run = new LiveRun(claimed);
            run.resumedAt = claimed.updatedAt();
            LiveRun previous = live.putIfAbsent(new Key(workspaceId, claimed.runId()), run);
            if (previous != null) {
                throw new IllegalStateException("run " + claimed.runId() + " is already in flight");
            }
            synchronized (run) {
                run.update(RunStatus.QUEUED, now, claimed.startedAt(), null, claimed.resultsSummary(), null);
                publishRun(run, RunEvent.Type.RUN_RESUMED, now);
            }
        });
    }

    /**
     * Refreshes a run's {@code heartbeatAt} and writes it to the store (no event), so that a run
     * whose process died is recognisable by an old heartbeat. Hosts call it, or
     * {@link #heartbeatAll()}, well within their lease (e.g. every 10 s for a 60 s lease).
     */
    public void heartbeat(String workspaceId, String runId) {
        onRun("heartbeat", workspaceId, runId, (run, now) -> {
            run.heartbeat(now);
            save(run.snapshot);
        });
    }

    /**
     * Refreshes the heartbeat of every run in flight in this recorder, as {@link #heartbeat} does;
     * a run that ends meanwhile is skipped, not counted as a rejected call. {@code WorkflowRunner}
     * calls it on a schedule; a host recording its own runs does.
     */
    public void heartbeatAll() {
        guard("heartbeatAll", () -> {
            for (Map.Entry<Key, LiveRun> e : live.entrySet()) {
                LiveRun run = e.getValue();
                synchronized (run) {
                    if (live.get(e.getKey()) == run) {
                        run.heartbeat(now());
                        save(run.snapshot);
                    }
                }
            }
        });
    }

    /** How many live runs of a workspace one {@link #failAbandonedRuns} call looks at, oldest first. */
    public static final int ABANDONED_SCAN_LIMIT = 10_000;

    /**
     * Ends the runs a dead process left behind, so that they stop showing as running and can be
     * resumed from the step where they broke. A run counts as abandoned when it is
     * {@code QUEUED} or {@code RUNNING} in the store, not in flight in this recorder, and its
     * {@code heartbeatAt} is more than {@code lease} before now. Each such run is recorded
     * {@code FAILED} with the message {@code "interrupted: ..."}, and so is each of its steps of
     * that attempt that was queued or running; {@link RunEvent.Type#STEP_FAILED} and
     * {@link RunEvent.Type#RUN_FAILED} go to the listeners as for any failure.
     *
     * <p>The run and its interrupted steps end at the last sign of life: the run's last heartbeat
     * or the latest instant recorded for a step of that attempt, whichever is later, so the hours
     * the process lay dead do not count as execution time. Every process running workflows must call {@link #heartbeatAll} well
     * within {@code lease} (e.g. every 10 s for 60 s), or its own long runs count as abandoned.
     * Call this at start-up and now and then (the demo: every 30 s), not back to back: a
     * write-behind store ({@code JdbcRunStore}) may not yet show one call's writes to the next, which
     * would end the same run twice (the second changes nothing stored; the listeners hear it
     * twice). At most {@value #ABANDONED_SCAN_LIMIT} live runs are looked at per call. Never
     * throws; a store that fails is counted and logged as for any other call.
     *
     * @param lease how long a run may go without a heartbeat before its process counts as dead
     * @return how many runs this call ended
     */
    public int failAbandonedRuns(String workspaceId, Duration lease) {
        int[] ended = {0};
        guard("failAbandonedRuns", () -> {
            Checks.id("workspaceId", workspaceId);
            Objects.requireNonNull(lease, "lease");
            if (lease.isNegative() || lease.isZero()) {
                throw new IllegalArgumentException("lease must be positive, was " + lease);
            }
            Instant now = now();
            Instant deadline = now.minus(lease);
            List<Run> liveRuns;
            try {
                liveRuns = store.liveRuns(workspaceId, ABANDONED_SCAN_LIMIT);
            } catch (RuntimeException e) {
                storeFailed(e);
                return;
            }
            for (Run run : liveRuns) {
                if (live.containsKey(new Key(workspaceId, run.runId())) || !run.heartbeatAt().isBefore(deadline)) {
                    continue;
                }
                try {
                    failAbandoned(run, now);
                    ended[0]++;
                } catch (RuntimeException e) {
                    storeFailed(e); // reading its steps failed: left for the next call
                }
            }
        });
        return ended[0];
    }

    private void failAbandoned(Run run, Instant now) {
        String reason = "interrupted: the process running it (instance " + run.instanceId()
                + ") stopped without ending it; last heartbeat " + run.heartbeatAt();
        List<StepRun> steps = new ArrayList<>();
        // The last sign of life: its last heartbeat, or a later step event of this attempt.
        Instant end = later(run.heartbeatAt(), run.startedAt());
        for (StepRun step : store.findSteps(run.workspaceId(), run.runId())) {
            if (step.attempt() == run.attempt()) {
                steps.add(step);
                end = later(later(later(end, step.queuedAt()), step.startedAt()), step.completedAt());
            }
        }
        for (StepRun step : steps) {
            if (step.status() != RunStatus.QUEUED && step.status() != RunStatus.RUNNING) {
                continue;
            }
            // A step that never started gets its start at its end, as LiveStep.end gives one.
            StepRun interrupted = step.toBuilder().status(RunStatus.FAILED)
                    .startedAt(step.startedAt() == null ? end : step.startedAt()).completedAt(end).errorMessage(reason)
                    .errorCategory(dev.runmetrics.core.node.ErrorCategory.OTHER.name()).updatedAt(now).build();
            save(interrupted);
            fire(new RunEvent(RunEvent.Type.STEP_FAILED, now, run, interrupted));
        }
        // The dead owner's instance id and last heartbeat stay: they tell who left the run and when.
        Run failed = run.toBuilder().status(RunStatus.FAILED).completedAt(end).errorMessage(reason).updatedAt(now)
                .build().withStatusChange(new RunStatusChange(RunStatusChange.Event.INTERRUPTED, RunStatus.FAILED,
                        run.attempt(), end, reason));
        save(failed);
        fire(new RunEvent(RunEvent.Type.RUN_FAILED, now, failed, null));
    }

    private static Instant later(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }

    // ---------------------------------------------------------------- steps

    /**
     * Records that a step was scheduled and waits for a worker. Optional: {@link #stepStarted}
     * without it counts no queue wait. Scheduling a step again in the same attempt (a retry) keeps
     * its first {@code queuedAt}.
     *
     * @param input the step's input, a JSON-like value (summarised), or null
     */
    public void stepQueued(String workspaceId, String runId, StepSpec step, Object input) {
        onRun("stepQueued", workspaceId, runId, (run, now) -> {
            LiveStep s = run.step(step, now, summaryOrReject(input));
            s.status = RunStatus.QUEUED;
            publishStep(run, s, RunEvent.Type.STEP_QUEUED, now);
        });
    }

    /**
     * Records that a step (or a retry of it) started executing.
     *
     * @param input the step's input, a JSON-like value (summarised), or null to keep the one given
     *     when it was queued
     */
    public void stepStarted(String workspaceId, String runId, StepSpec step, Object input) {
        onRun("stepStarted", workspaceId, runId, (run, now) -> {
            LiveStep s = run.step(step, now, summaryOrReject(input));
            if (s.status.isTerminal()) {
                throw new IllegalStateException("step " + step.stepId() + " already ended as " + s.status);
            }
            s.status = RunStatus.RUNNING;
            if (s.startedAt == null) {
                s.startedAt = now;
            }
            publishStep(run, s, RunEvent.Type.STEP_STARTED, now);
        });
    }

    /**
     * Records that a step completed. Checkpointing its full output ({@link RunStore#saveCheckpoint})
     * is the orchestrator's job, before calling this.
     *
     * @param output the step's output, a JSON-like value (summarised), or null
     */
    public void stepCompleted(String workspaceId, String runId, String stepId, Object output) {
        onStep("stepCompleted", workspaceId, runId, stepId, (run, s, now) -> {
            Map<String, Object> summary = summaryOrReject(output);
            s.end(RunStatus.COMPLETED, now, null, null);
            s.outputSummary = summary;
            publishStep(run, s, RunEvent.Type.STEP_COMPLETED, now);
        });
    }

    /**
     * Records that a step failed for good.
     *
     * @param errorMessage the error shown to people
     * @param errorCategory the name of its {@code ErrorCategory} (e.g. {@code "TIMEOUT"}), or null
     */
    public void stepFailed(String workspaceId, String runId, String stepId, String errorMessage,
            String errorCategory) {
        onStep("stepFailed", workspaceId, runId, stepId, (run, s, now) -> {
            s.end(RunStatus.FAILED, now, errorMessage, errorCategory);
            publishStep(run, s, RunEvent.Type.STEP_FAILED, now);
        });
    }

    /**
     * Records that a try of a step failed and it will be tried again: the retry count grows, the
     * step waits ({@code QUEUED}) until the next {@link #stepStarted}, and its first
     * {@code queuedAt}/{@code startedAt} are kept.
     */
    public void stepRetried(String workspaceId, String runId, String stepId, String errorMessage,
            String errorCategory) {
        onStep("stepRetried", workspaceId, runId, stepId, (run, s, now) -> {
            s.status = RunStatus.QUEUED;
            s.retryCount++;
            s.errorMessage = errorMessage;
            s.errorCategory = errorCategory;
            publishStep(run, s, RunEvent.Type.STEP_RETRIED, now);
        });
    }

    /**
     * Records that a step was skipped (a condition excluded it); the reason is kept as the
     * attribute {@code skip_reason}.
     */
    public void stepSkipped(String workspaceId, String runId, StepSpec step, String reason) {
        onRun("stepSkipped", workspaceId, runId, (run, now) -> {
            LiveStep s = run.step(step, now, null);
            if (s.status.isTerminal()) {
                throw new IllegalStateException("step " + step.stepId() + " already ended as " + s.status);
            }
            s.end(RunStatus.SKIPPED, now, null, null);
            if (reason != null) {
                s.attributes.put("skip_reason", reason);
            }
            publishStep(run, s, RunEvent.Type.STEP_SKIPPED, now);
        });
    }

    /**
     * Records that a step paused: it asked to wait (for example for an approval), or an operator
     * paused the run before the step could start. {@code PAUSED} is not terminal: a resume
     * from a step may run the step again in the next attempt. A step paused before it started keeps
     * no {@code startedAt}. End the run ({@link #runPaused}) after its steps have ended or paused.
     *
     * @param reason why it paused, kept as the step's error message (shown to people), or null
     */
    public void stepPaused(String workspaceId, String runId, String stepId, String reason) {
        onStep("stepPaused", workspaceId, runId, stepId, (run, s, now) -> {
            s.end(RunStatus.PAUSED, now, reason, null);
            publishStep(run, s, RunEvent.Type.STEP_PAUSED, now);
        });
    }

    /**
     * Records that a step was cancelled (its run was cancelled while the step waited or ran). A
     * step cancelled before it started keeps no {@code startedAt}.
     *
     * @param reason why, kept as the step's error message, or null
     */
    public void stepCancelled(String workspaceId, String runId, String stepId, String reason) {
        onStep("stepCancelled", workspaceId, runId, stepId, (run, s, now) -> {
            s.end(RunStatus.CANCELLED, now, reason, null);
            publishStep(run, s, RunEvent.Type.STEP_CANCELLED, now);
        });
    }

    /**
     * Adds or replaces custom attributes of a step (JSON-like values), for example
     * {@link StepRun#MODEL}, {@link StepRun#TOKENS}, {@link StepRun#COST}. Set them before the
     * step ends for them to count in the model rollups.
     */
    public void stepAttributes(String workspaceId, String runId, String stepId, Map<String, ?> attributes) {
        onStep("stepAttributes", workspaceId, runId, stepId, (run, s, now) -> {
            Map<String, Object> copy = JsonValues.copyOfMap(attributes);
            if (copy != null) {
                s.attributes.putAll(copy);
            }
            publishStep(run, s, RunEvent.Type.STEP_ATTRIBUTES, now);
        });
    }

    // ---------------------------------------------------------------- internals

    private void endRun(String call, String workspaceId, String runId, RunStatus status, Object results,
            String message, RunEvent.Type type) {
        onRun(call, workspaceId, runId, (run, now) -> {
            Map<String, Object> summary = summaryOrReject(results);
            run.update(status, now, run.snapshot.startedAt(), now,
                    summary != null ? summary : run.snapshot.resultsSummary(), message);
            live.remove(new Key(workspaceId, runId), run);
            publishRun(run, type, now);
        });
    }

    private void onRun(String call, String workspaceId, String runId, RunAction action) {
        guard(call, () -> {
            LiveRun run = find(workspaceId, runId);
            synchronized (run) {
                if (live.get(new Key(workspaceId, runId)) != run) {
                    throw new IllegalStateException("run " + runId + " has ended");
                }
                action.apply(run, now());
            }
        });
    }

    private void onStep(String call, String workspaceId, String runId, String stepId, StepAction action) {
        onRun(call, workspaceId, runId, (run, now) -> {
            LiveStep s = run.steps.get(Objects.requireNonNull(stepId, "stepId"));
            if (s == null) {
                throw new IllegalArgumentException("unknown step " + stepId + " in run " + runId);
            }
            if (s.status.isTerminal()) {
                throw new IllegalStateException("step " + stepId + " already ended as " + s.status);
            }
            action.apply(run, s, now);
        });
    }

    private LiveRun find(String workspaceId, String runId) {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(runId, "runId");
        LiveRun run = live.get(new Key(workspaceId, runId));
        if (run == null) {
            throw new IllegalArgumentException("no run " + runId + " in flight in workspace " + workspaceId);
        }
        return run;
    }

    private static void requireStatus(Run run, RunStatus expected) {
        if (run.status() != expected) {
            throw new IllegalStateException("run " + run.runId() + " is " + run.status() + ", expected " + expected);
        }
    }

    private Map<String, Object> summaryOrReject(Object value) {
        return Summaries.summarize(value, summaryMaxChars); // IllegalArgumentException -> rejected by guard
    }

    /** Runs a recorder call; everything but a VirtualMachineError is contained and counted. */
    private void guard(String call, Runnable body) {
        try {
            body.run();
            events.increment();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            rejected.increment();
            rejectLog.log(Level.WARNING, "RunRecorder." + call + " ignored: " + e.getMessage(), null);
        }
    }

    private void publishRun(LiveRun run, RunEvent.Type type, Instant now) {
        RunStatusChange.Event change = switch (type) {
            case RUN_QUEUED -> RunStatusChange.Event.QUEUED;
            case RUN_STARTED -> RunStatusChange.Event.STARTED;
            case RUN_RESUMED -> RunStatusChange.Event.RESUMED;
            case RUN_PAUSED -> RunStatusChange.Event.PAUSED;
            case RUN_COMPLETED -> RunStatusChange.Event.COMPLETED;
            case RUN_FAILED -> RunStatusChange.Event.FAILED;
            case RUN_CANCELLED -> RunStatusChange.Event.CANCELLED;
            case RUN_TIMEOUT -> RunStatusChange.Event.TIMEOUT;
            default -> null;
        };
        if (change != null) {
            Run s = run.snapshot;
            run.snapshot = s.withStatusChange(new RunStatusChange(change, s.status(), s.attempt(), now,
                    s.errorMessage()));
        }
        save(run.snapshot);
        fire(new RunEvent(type, now, run.snapshot, null));
    }

    private void publishStep(LiveRun run, LiveStep s, RunEvent.Type type, Instant now) {
        s.updatedAt = now;
        StepRun snapshot = s.snapshot(run.snapshot);
        save(snapshot);
        fire(new RunEvent(type, now, run.snapshot, snapshot));
    }

    private void save(StepRun snapshot) {
        try {
            store.saveStep(snapshot.workspaceId(), snapshot);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            storeFailed(e);
        }
    }

    private void save(Run snapshot) {
        try {
            store.saveRun(snapshot.workspaceId(), snapshot);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            storeFailed(e);
        }
    }

    private void storeFailed(Throwable e) {
        storeFailures.increment();
        storeLog.log(Level.WARNING, "RunStore write failed; the workflow goes on", e);
    }

    private void fire(RunEvent event) {
        for (RunListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                listenerFailures.increment();
                listenerLog.log(Level.WARNING, "RunListener " + listener + " failed on " + event.type(), e);
            }
        }
    }

    private static Duration nonNegative(Instant from, Instant to) {
        return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
    }

    @Override
    public String toString() {
        return "RunRecorder{instanceId=" + instanceId + ", store=" + store + ", listeners=" + listeners.size()
                + ", summaryMaxChars=" + summaryMaxChars + ", inFlight=" + live.size() + ", " + counters() + "}";
    }

    @FunctionalInterface
    private interface RunAction {
        void apply(LiveRun run, Instant now);
    }

    @FunctionalInterface
    private interface StepAction {
        void apply(LiveRun run, LiveStep step, Instant now);
    }

    private record Key(String workspaceId, String runId) {}

    /** A run in flight; guarded by its own monitor. */
    private final class LiveRun {
        Run snapshot;
        /** When the resume claim of the current attempt was made, until the attempt starts; else null. */
        Instant resumedAt;
        final Map<String, LiveStep> steps = new LinkedHashMap<>();

        LiveRun(Run snapshot) {
            this.snapshot = snapshot;
        }

        void update(RunStatus status, Instant now, Instant startedAt, Instant completedAt,
                Map<String, Object> results, String error) {
            snapshot = snapshot.toBuilder().status(status).startedAt(startedAt).completedAt(completedAt)
                    .resultsSummary(results).errorMessage(error).updatedAt(now).instanceId(instanceId).heartbeatAt(now)
                    .build();
        }

        void heartbeat(Instant now) {
            snapshot = snapshot.toBuilder().updatedAt(now).instanceId(instanceId).heartbeatAt(now).build();
        }

        LiveStep step(StepSpec spec, Instant now, Map<String, Object> input) {
            Objects.requireNonNull(spec, "step");
            LiveStep s = steps.computeIfAbsent(spec.stepId(), id -> new LiveStep(spec, now));
            if (input != null) {
                s.inputSummary = input;
            }
            return s;
        }
    }

    /** A step of a run in flight; guarded by its run's monitor. */
    private static final class LiveStep {
        final StepSpec spec;
        final Instant queuedAt;
        RunStatus status = RunStatus.QUEUED;
        Instant startedAt;
        Instant completedAt;
        int retryCount;
        String errorMessage;
        String errorCategory;
        Map<String, Object> inputSummary;
        Map<String, Object> outputSummary;
        final Map<String, Object> attributes = new LinkedHashMap<>();
        Instant updatedAt;

        LiveStep(StepSpec spec, Instant now) {
            this.spec = spec;
            this.queuedAt = now;
        }

        void end(RunStatus status, Instant now, String error, String category) {
            this.status = status;
            this.completedAt = now;
            // A step that never ran (skipped, or paused or cancelled while it waited) has no start.
            if (startedAt == null && (status == RunStatus.COMPLETED || status == RunStatus.FAILED)) {
                startedAt = now;
            }
            this.errorMessage = error;
            this.errorCategory = category;
        }

        StepRun snapshot(Run run) {
            return StepRun.builder().workspaceId(run.workspaceId()).runId(run.runId()).spec(spec)
                    .attempt(run.attempt()).status(status).queuedAt(queuedAt).startedAt(startedAt)
                    .completedAt(completedAt).retryCount(retryCount).errorMessage(errorMessage)
                    .errorCategory(errorCategory).inputSummary(inputSummary).outputSummary(outputSummary)
                    .attributes(attributes).updatedAt(updatedAt).build();
        }
    }

    /** Logs at most once per interval, saying how many were suppressed in between. */
    private final class Throttle {
        private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
        private final AtomicLong suppressed = new AtomicLong();

        void log(Level level, String message, Throwable error) {
            long now = clock.monotonicNanos();
            long prev = last.get();
            if ((prev == Long.MIN_VALUE || now - prev >= LOG_INTERVAL_NANOS) && last.compareAndSet(prev, now)) {
                long skipped = suppressed.getAndSet(0);
                String text = skipped == 0 ? message : message + " (" + skipped + " similar suppressed)";
                LOG.log(level, text, error);
            } else {
                suppressed.incrementAndGet();
            }
        }
    }

    /**
     * Configures a {@link RunRecorder}. Not thread-safe; build once.
     */
    public static final class Builder {
        private final RunStore store;
        private Clock clock = Clock.system();
        private String instanceId;
        private final List<RunListener> listeners = new ArrayList<>();
        private int summaryMaxChars = Summaries.DEFAULT_MAX_CHARS;

        private Builder(RunStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Sets the clock (default {@link Clock#system()}); tests pass a fake one.
         *
         * @throws NullPointerException if clock is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets this process's id as owner of runs (default: a fresh UUIDv7 per recorder).
         *
         * @throws NullPointerException if id is null
         * @throws IllegalArgumentException if it is blank or too long
         */
        public Builder instanceId(String id) {
            this.instanceId = Checks.id("instanceId", id);
            return this;
        }

        /**
         * Adds a listener; listeners are called in the order added.
         *
         * @throws NullPointerException if listener is null
         */
        public Builder listener(RunListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Sets the bound of input, output and result summaries (default
         * {@value Summaries#DEFAULT_MAX_CHARS} characters of JSON).
         *
         * @throws IllegalArgumentException if below {@value Summaries#MIN_MAX_CHARS}
         */
        public Builder summaryMaxChars(int maxChars) {
            this.summaryMaxChars = Checks.atLeast("summaryMaxChars", maxChars, Summaries.MIN_MAX_CHARS);
            return this;
        }

        /** Builds the recorder. */
        public RunRecorder build() {
            return new RunRecorder(this);
        }

        @Override
        public String toString() {
            return "RunRecorder.Builder{store=" + store + ", clock=" + clock + ", instanceId=" + instanceId
                    + ", listeners=" + listeners.size() + ", summaryMaxChars=" + summaryMaxChars + "}";
        }
    }
}
