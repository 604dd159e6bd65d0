package dev.runmetrics.core.flow;

import dev.runmetrics.core.control.ResumeAuditLog;
import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.ResumeResult.Reason;
import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.ResumeClaim;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.core.store.RunStoreUnavailableException;
import dev.runmetrics.core.store.StepCheckpoint;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reference orchestrator: runs {@link WorkflowDefinition}s on a fixed number of worker
 * threads, records every run and step through a {@link RunRecorder}, checkpoints every completed
 * step's output in the {@link RunStore}, and resumes failed or paused runs from a step.
 *
 * <pre>{@code
 * RunStore store = new InMemoryRunStore();
 * RunRecorder recorder = RunRecorder.builder(store).build();
 * try (WorkflowRunner runner = WorkflowRunner.builder(recorder, store).workers(4)
 *         .workflows(ExampleWorkflows.all(ExampleWorkflows.Options.defaults())).build()) {
 *     String runId = runner.submit("ws-1", "data_pipeline", Map.of("rows", 1000));
 *     RunOutcome outcome = runner.completion("ws-1", runId).orElseThrow().join();
 *     if (outcome.status() == RunStatus.FAILED) {
 *         runner.resume("ws-1", "alice", runId, "transform_data", Map.of("strict", false));
 *     }
 * }
 * }</pre>
 *
 * <h2>Scheduling</h2>
 * A step is <em>ready</em> when each of its dependencies has completed or been skipped. A ready
 * step is <b>skipped</b> if it has dependencies and all of them were skipped, or if its
 * {@link StepCondition} is false for the workflow input; so a skip propagates down a chain, and a
 * step that joins a skipped and a completed branch (like the example {@code conditional_workflow}'s {@code aggregate_results}) runs, with
 * only the completed branch's output in its {@link StepInput}. Any other ready step is queued on
 * the executor ({@code stepQueued}) and started when a worker is free ({@code stepStarted}); the
 * run is {@code runStarted} when its first step starts. Independent steps run in parallel, up to
 * the number of workers.
 *
 * <p><b>Priority.</b> Steps waiting for a worker are served by their run's priority, the
 * {@link Run#PRIORITY} attribute given to {@link #submit(String, String, Map, Map) submit}
 * (an integer, higher first; 0 when absent or not a number), and within one priority in the order
 * they were queued. So when every worker is busy, the next free worker takes a step of the
 * highest-priority run that waits, whether that run is new or already running; a running step is
 * never pre-empted. A resumed attempt keeps its run's priority. That is the order the live
 * overview lists queued runs in (priority descending, then queued first), so its estimated starts
 * follow the runner.
 *
 * <p>A step that fails (after its node's retries) blocks the steps downstream of it; independent
 * branches still run to their end; then the run fails with the first failure's message. A step
 * that returns a {@link PauseRequest} ends {@code PAUSED}, likewise blocking only its downstream
 * steps, and the run then pauses (a failure elsewhere makes it fail instead). A run completes when
 * every step completed or was skipped; its results are the outputs of the completed steps nothing
 * depends on.
 *
 * <p>Each completed step's output is checkpointed with {@link RunStore#saveCheckpoint} before
 * {@code stepCompleted} is recorded. If the store is unavailable
 * ({@link RunStoreUnavailableException}), the {@link CheckpointPolicy} decides: by default
 * ({@link CheckpointPolicy#DEFERRED}) the step completes and its checkpoint is written when the
 * store is back (see {@link Builder#checkpointPolicy}); with {@link CheckpointPolicy#REQUIRED} the
 * step fails. Any other checkpoint failure fails the step. Nothing else the store, the recorder or
 * a listener does can fail a workflow: the recorder contains its failures, and the runner logs its
 * own (the input checkpoint, audit entries).
 *
 * <h2>Pause and cancel by an operator</h2>
 * {@link #pause} stops scheduling: queued steps that have not started end {@code PAUSED}, running
 * steps finish (and are checkpointed), steps that become ready are recorded as paused, then the
 * run pauses. {@link #cancel} ends queued steps {@code CANCELLED} at once, interrupts running ones
 * (a step that fails after the cancel counts as cancelled; one that completes stays completed),
 * schedules nothing more, and then cancels the run. A cancelled run cannot be resumed.
 *
 * <h2>Resume from step</h2>
 * See {@link #resume}. The run's full input is kept as a checkpoint with the reserved step id
 * {@value #INPUT_CHECKPOINT} (attempt 1), so that a resume works in a process that did not run
 * the first attempt, as long as it knows the workflow definition.
 *
 * <h2>Heartbeats</h2>
 * Every {@link Builder#heartbeatEvery} (10 s by default) the runner refreshes the heartbeat of
 * each run in flight in its recorder, so that a process calling {@link RunRecorder#failAbandonedRuns} (this
 * one after a restart, or another) fails only the runs of processes that died.
 *
 * <h2>Threads</h2>
 * Thread-safe: every method may be called from any thread. Steps run on the runner's own daemon
 * worker threads (heartbeats on one more); a step's work must be thread-safe. Calls into the
 * recorder for one run are made in the order the run's state changes.
 */
public final class WorkflowRunner implements ResumeHandler, AutoCloseable {

    /** The default bound of {@link Builder#deferredCheckpoints}. */
    public static final int DEFAULT_MAX_DEFERRED_CHECKPOINTS = 10_000;

    /** The default of {@link Builder#heartbeatEvery}, in seconds. */
    public static final int DEFAULT_HEARTBEAT_SECONDS = 10;

    private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(DEFAULT_HEARTBEAT_SECONDS);

    /** The reserved step id under which a run's full input is checkpointed (attempt 1). */
    public static final String INPUT_CHECKPOINT = "$input";

    private static final System.Logger LOG = System.getLogger(WorkflowRunner.class.getName());

    private final RunRecorder recorder;
    private final RunStore store;
    private final ResumeAuditLog audits;
    private final Map<String, WorkflowDefinition> workflows;
    private final int workers;
    private final int retainFinished;
    private final ThreadPoolExecutor executor;
    /** Refreshes the heartbeat of the runs in flight here; null when heartbeats are off. */
    private final ScheduledExecutorService heartbeats;
    private final Duration heartbeatEvery;
    private final CheckpointPolicy checkpointPolicy;
    /** The checkpoints waiting for the store to come back; null under {@link CheckpointPolicy#REQUIRED}. */
    private final DeferredCheckpoints deferred;
    private final Map<Key, RunAttempt> live = new ConcurrentHashMap<>();
    /** Orders the steps of equal priority in the queue: first queued, first started. */
    private final AtomicLong queueSequence = new AtomicLong();
    private final Map<Key, RunAttempt> finished;
    private volatile boolean closed;

    private WorkflowRunner(Builder b) {
        this.recorder = b.recorder;
        this.store = b.store;
        this.audits = new ResumeAuditLog(b.store, b.recorder::now);
        this.workflows = Map.copyOf(b.workflows);
        this.workers = b.workers;
        this.retainFinished = b.retainFinished;
        this.finished = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, RunAttempt> eldest) {
                return size() > retainFinished;
            }
        };
        AtomicInteger threads = new AtomicInteger();
        // Only QueuedSteps are ever executed (see execute), so the queue orders them by priority.
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                new PriorityBlockingQueue<Runnable>(64, (x, y) -> ((QueuedStep) x).compareTo((QueuedStep) y)),
                task -> {
                    Thread t = new Thread(task, "runmetrics-runner-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.heartbeatEvery = b.heartbeatEvery;
        this.checkpointPolicy = b.checkpointPolicy;
        this.deferred = checkpointPolicy == CheckpointPolicy.DEFERRED
                ? new DeferredCheckpoints(store, b.maxDeferredCheckpoints, b.deferredRetry) : null;
        if (heartbeatEvery.isZero()) {
            this.heartbeats = null;
        } else {
            this.heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "runmetrics-runner-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long every = heartbeatEvery.toNanos();
            heartbeats.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Refreshes the heartbeat of every run in flight in the recorder (this runner's, and any the
     * host records through it: all are alive in this process), so that
     * {@link RunRecorder#failAbandonedRuns} in any process leaves them alone. Never throws.
     */
    private void heartbeat() {
        recorder.heartbeatAll();
    }

    /**
     * Returns a builder of a runner that records through {@code recorder} and checkpoints, reads
     * and claims through {@code store}, which must be the store the recorder writes to.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(RunRecorder recorder, RunStore store) {
        return new Builder(recorder, store);
    }

    // ------------------------------------------------------------------ running

    /** Like {@link #submit(String, String, Map, Map)} without run attributes. */
    public String submit(String workspaceId, String workflowId, Map<String, ?> input) {
        return submit(workspaceId, workflowId, input, null);
    }

    /**
     * Queues a run of a workflow and returns its id at once; its steps run on the workers.
     *
     * @param workspaceId the tenant
     * @param workflowId a workflow this runner was built with
     * @param input the workflow input, a JSON object of JSON-like values, or null for {@code {}}
     * @param attributes run attributes such as {@link Run#USER_ID}, or null; {@link Run#PRIORITY}
     *     orders the run's steps in the queue (see the class documentation)
     * @return the run id
     * @throws NullPointerException if the workspace or workflow id is null
     * @throws IllegalArgumentException if the workflow is unknown, an id is malformed, or the input
     *     or attributes are not JSON-like
     * @throws IllegalStateException if the runner is closed
     */
    public String submit(String workspaceId, String workflowId, Map<String, ?> input, Map<String, ?> attributes) {
        Checks.id("workspaceId", workspaceId);
        WorkflowDefinition workflow = workflow(workflowId);
        Map<String, Object> in = input == null ? Map.of() : JsonValues.copyOfMap(input);
        Map<String, Object> attrs = JsonValues.copyOfMap(attributes);
        if (closed) {
            throw new IllegalStateException("the runner is closed");
        }
        // The whole definition is planned, so the run shows the steps it never reaches as pending.
        String runId = recorder.runQueued(workspaceId, workflowId, workflow.name(), in, attrs,
                workflow.steps().stream().map(StepDefinition::spec).toList());
        RuntimeException notStored = checkpoint(new StepCheckpoint(workspaceId, runId, INPUT_CHECKPOINT, 1, in,
                recorder.now()));
        if (notStored != null) {
            // The run goes on; only a later resume of it will be refused for want of its input.
            LOG.log(Level.WARNING, "the input of run " + runId + " was not checkpointed; it will not be resumable",
                    notStored);
        }
        RunAttempt execution = new RunAttempt(this, workspaceId, runId, 1, QueuedStep.priorityOf(attrs), workflow, in,
                null, Map.of(), Map.of());
        live.put(new Key(workspaceId, runId), execution);
        execution.start();
        return runId;
    }

    /**
     * Returns a future of the end of the run's latest attempt that this runner started (a resume
     * starts a new one: ask again after it), or empty if this runner did not run it or has
     * forgotten it (it keeps the last {@code retainFinished} ended attempts). The future never
     * completes exceptionally. Completing or cancelling the returned future has no effect on the run.
     */
    public Optional<CompletableFuture<RunOutcome>> completion(String workspaceId, String runId) {
        Key key = new Key(workspaceId, runId);
        RunAttempt execution = live.get(key);
        if (execution == null) {
            synchronized (finished) {
                execution = finished.get(key);
            }
        }
        return Optional.ofNullable(execution).map(e -> e.done.copy());
    }

    /**
     * Pauses a run this runner is executing, as an operator: see the class documentation.
     *
     * @param reason why, shown to people, or null
     * @return true if the run was running here and now pauses; false if it is unknown, ended, or
     *     already pausing or cancelling
     */
    public boolean pause(String workspaceId, String runId, String reason) {
        RunAttempt execution = live.get(new Key(workspaceId, runId));
        return execution != null && execution.pause(reason);
    }

    /**
     * Cancels a run this runner is executing: see the class documentation.
     *
     * @param reason why, shown to people, or null
     * @return true if the run was running here and is now cancelled (or ends so as soon as its
     *     running steps return); false if it is unknown, ended or already cancelling
     */
    public boolean cancel(String workspaceId, String runId, String reason) {
        RunAttempt execution = live.get(new Key(workspaceId, runId));
        return execution != null && execution.cancel(reason);
    }

    // ------------------------------------------------------------------ resume

    /**
     * Resumes a failed or paused run from a failed or paused step, as a new attempt of the same
     * run, and returns as soon as the attempt is claimed and its first steps are queued.
     *
     * <p><b>Which steps run again.</b> The chosen step and every step downstream of it run again.
     * Every other step keeps its output if its latest execution completed: its output is restored
     * from the latest checkpoint ({@link RunStore#findCheckpoints}) and it is neither run nor
     * recorded again in the new attempt (its step run stays in the attempt where it ran). That
     * includes every step upstream of the chosen one, which must each have a checkpoint (or have
     * been skipped). The other steps off the chosen step's path, those that failed, paused, were
     * cancelled, skipped or never ran, are scheduled again by the usual rules: a failed side branch
     * runs again, a skipped step is skipped again.
     *
     * <p><b>Overrides.</b> {@code inputOverrides} is merged over the workflow input, key by key at
     * the top level (an override replaces the whole value of its key; a null value sets the key to
     * null), into the {@link StepInput#input()} of the chosen step only, in this attempt only.
     * Conditions and the other steps see the run's original input; downstream steps see the chosen
     * step's new output. A later resume does not repeat them.
     *
     * <p><b>Refusals</b> ({@link ResumeResult.Refused}, never an exception): the run or the step is
     * unknown, or the run belongs to another workspace ({@code NOT_FOUND}); the run is queued or
     * running ({@code RUN_ACTIVE}); it ended otherwise than failed or paused, or its input was not
     * checkpointed ({@code RUN_NOT_RESUMABLE}); its workflow is not one this runner was built with
     * ({@code UNKNOWN_WORKFLOW}); the step's latest execution did not fail or pause, or an
     * upstream step has no checkpoint ({@code STEP_NOT_RESUMABLE}); the overrides are not JSON-like
     * ({@code INVALID_OVERRIDES}); another request claimed the run first ({@code CONFLICT}); the
     * store failed, or a checkpoint of the run that was deferred while the store was unavailable
     * is still not stored ({@code UNAVAILABLE}).
     *
     * <p><b>Concurrency.</b> The checks read the store; then {@link RunStore#claimResume} with the
     * attempt read decides: of concurrent resumes that passed the checks exactly one is accepted,
     * the others get {@code CONFLICT}. A request that reads the run after another was accepted sees
     * it queued or running and gets {@code RUN_ACTIVE}.
     *
     * <p><b>Audit.</b> Every call, accepted or refused, writes one log line and appends one
     * {@link dev.runmetrics.core.store.ControlAudit} (action {@code RESUME}) with the actor, the
     * time, the run, the step, the attempt (the new one when accepted, the run's current one when
     * refused), the outcome, the reason and the input overrides; except a call naming a run that
     * is not in the workspace, which is logged only (it may be another workspace's run). A failed
     * append is logged; it does not undo an accepted claim.
     */
    @Override
    public ResumeResult resume(String workspaceId, String actor, String runId, String stepId,
            Map<String, ?> inputOverrides) {
        Checks.id("workspaceId", workspaceId);
        Checks.id("actor", actor);
        Checks.id("runId", runId);
        Checks.id("stepId", stepId);
        if (deferred != null && !deferred.flushRun(workspaceId, runId)) {
            // Planning now would see those steps as never checkpointed and might run them again.
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides,
                    Reason.UNAVAILABLE, "run " + runId + " has step"
                    + " checkpoints from a store outage that are not stored yet; try again when the store is back", 0);
        }
        Object decision = plan(workspaceId, runId, stepId, inputOverrides);
        if (decision instanceof ResumeResult.Refused refused) {
            audits.record(workspaceId, actor, runId, stepId, inputOverrides, refused);
            return refused;
        }
        Plan plan = (Plan) decision;
        ResumeClaim claim;
        try {
            claim = store.claimResume(workspaceId, runId, plan.run.attempt(), recorder.instanceId(), recorder.now());
        } catch (RuntimeException e) {
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides, Reason.UNAVAILABLE,
                    "the run could not be claimed: " + describe(e), plan.run.attempt());
        }
        if (claim instanceof ResumeClaim.NotFound) {
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides,
                    Reason.NOT_FOUND, "run " + runId + " not found", 0);
        }
        if (claim instanceof ResumeClaim.Conflict conflict) {
            Run now = conflict.current();
            String message = now.attempt() != plan.run.attempt()
                    ? "run " + runId + " was resumed by another request (it is now attempt " + now.attempt() + ", "
                            + now.status().wireName() + ")"
                    : "run " + runId + " changed meanwhile (it is now " + now.status().wireName() + ")";
            return audits.refuse(workspaceId, actor, runId, stepId, inputOverrides,
                    Reason.CONFLICT, message, now.attempt());
        }
        Run claimed = ((ResumeClaim.Claimed) claim).run();
        ResumeResult.Accepted accepted = new ResumeResult.Accepted(runId, stepId, claimed.attempt());
        audits.record(workspaceId, actor, runId, stepId, inputOverrides, accepted);
        RunAttempt execution = new RunAttempt(this, workspaceId, runId, claimed.attempt(),
                QueuedStep.priorityOf(claimed.attributes()), plan.workflow, plan.input, stepId, plan.overrides,
                plan.restored);
        live.put(new Key(workspaceId, runId), execution);
        recorder.runResumed(workspaceId, claimed);
        execution.start();
        return accepted;
    }

    /** Returns a {@link Plan}, or the {@link ResumeResult.Refused} that ends the request. */
    private Object plan(String ws, String runId, String stepId, Map<String, ?> inputOverrides) {
        Run run;
        List<StepRun> stepRuns;
        List<StepCheckpoint> checkpoints;
        try {
            run = store.findRun(ws, runId).orElse(null);
            if (run == null) {
                return new ResumeResult.Refused(Reason.NOT_FOUND, "run " + runId + " not found", 0);
            }
            if (run.status() == RunStatus.QUEUED || run.status() == RunStatus.RUNNING
                    || live.containsKey(new Key(ws, runId))) {
                return new ResumeResult.Refused(Reason.RUN_ACTIVE, "run " + runId + " is " + run.status().wireName()
                        + " (attempt " + run.attempt() + "); only a failed or paused run can be resumed", run.attempt());
            }
            if (run.status() != RunStatus.FAILED && run.status() != RunStatus.PAUSED) {
                return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "run " + runId + " is "
                        + run.status().wireName() + "; only a failed or paused run can be resumed", run.attempt());
            }
            WorkflowDefinition workflow = workflows.get(run.workflowId());
            if (workflow == null) {
                return new ResumeResult.Refused(Reason.UNKNOWN_WORKFLOW, "workflow '" + run.workflowId() + "' of run "
                        + runId + " is not known to this runner", run.attempt());
            }
            Map<String, Object> overrides;
            try {
                overrides = inputOverrides == null ? Map.of() : JsonValues.copyOfMap(inputOverrides);
            } catch (IllegalArgumentException e) {
                return new ResumeResult.Refused(Reason.INVALID_OVERRIDES,
                        "input overrides must be a JSON object of JSON-like values: " + e.getMessage(), run.attempt());
            }
            if (workflow.step(stepId).isEmpty()) {
                return new ResumeResult.Refused(Reason.STEP_NOT_FOUND, "step '" + stepId + "' not found in workflow '"
                        + workflow.id() + "'", run.attempt());
            }
            stepRuns = store.findSteps(ws, runId);
            checkpoints = store.findCheckpoints(ws, runId);
            return plan(run, workflow, stepId, overrides, stepRuns, checkpoints);
        } catch (RuntimeException e) {
            return new ResumeResult.Refused(Reason.UNAVAILABLE, "the store could not be read: " + describe(e), 0);
        }
    }

    private static Object plan(Run run, WorkflowDefinition workflow, String stepId, Map<String, Object> overrides,
            List<StepRun> stepRuns, List<StepCheckpoint> checkpoints) {
        // Only the attempts up to the one read count: a concurrent resume may have claimed the run
        // and started the next attempt since; its claim makes ours a CONFLICT, which must not be
        // pre-empted by a refusal built from that newer attempt's steps.
        Map<String, StepRun> latestRun = new HashMap<>();
        for (StepRun s : stepRuns) {
            if (s.attempt() <= run.attempt()) {
                latestRun.merge(s.stepId(), s, (a, b) -> b.attempt() > a.attempt() ? b : a);
            }
        }
        Map<String, StepCheckpoint> latestCheckpoint = new HashMap<>();
        for (StepCheckpoint c : checkpoints) {
            if (c.attempt() <= run.attempt()) {
                latestCheckpoint.merge(c.stepId(), c, (a, b) -> b.attempt() > a.attempt() ? b : a);
            }
        }
        StepRun chosen = latestRun.get(stepId);
        if (chosen == null) {
            return new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "step '" + stepId + "' has not run in run "
                    + run.runId() + "; only a failed or paused step can be resumed", run.attempt());
        }
        if (chosen.status() != RunStatus.FAILED && chosen.status() != RunStatus.PAUSED) {
            return new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "step '" + stepId + "' is "
                    + chosen.status().wireName() + "; only a failed or paused step can be resumed", run.attempt());
        }
        StepCheckpoint input = latestCheckpoint.get(INPUT_CHECKPOINT);
        if (input == null || !(input.output() instanceof Map)) {
            return new ResumeResult.Refused(Reason.RUN_NOT_RESUMABLE, "the input of run " + run.runId()
                    + " was not checkpointed, so it cannot be resumed", run.attempt());
        }
        Set<String> again = new HashSet<>(workflow.downstreamOf(stepId));
        again.add(stepId);
        Map<String, Object> restored = new LinkedHashMap<>();
        for (StepDefinition step : workflow.steps()) {
            StepCheckpoint cp = latestCheckpoint.get(step.id());
            StepRun last = latestRun.get(step.id());
            if (!again.contains(step.id()) && cp != null && (last == null || cp.attempt() >= last.attempt())) {
                restored.put(step.id(), cp.output());
            }
        }
        for (String up : workflow.upstreamOf(stepId)) {
            StepRun last = latestRun.get(up);
            if (!restored.containsKey(up) && (last == null || last.status() != RunStatus.SKIPPED)) {
                return new ResumeResult.Refused(Reason.STEP_NOT_RESUMABLE, "upstream step '" + up
                        + "' has no checkpointed output to restore", run.attempt());
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> in = (Map<String, Object>) input.output();
        return new Plan(run, workflow, in, overrides, restored);
    }



    private record Plan(Run run, WorkflowDefinition workflow, Map<String, Object> input,
            Map<String, Object> overrides, Map<String, Object> restored) {}

    // ------------------------------------------------------------------ state

    /** Returns the workflows this runner runs, by id. */
    public Map<String, WorkflowDefinition> workflows() {
        return workflows;
    }

    /** Returns the number of worker threads. */
    public int workers() {
        return workers;
    }

    /**
     * Returns how many steps wait for a worker now. The live overview's queue depth counts runs
     * that wait for their first step instead; this counts every waiting step, of new and running runs.
     */
    public int queuedSteps() {
        return executor.getQueue().size();
    }

    /** Returns how many workers are running a step now. */
    public int busyWorkers() {
        return executor.getActiveCount();
    }

    /** Returns how many run attempts are in flight in this runner. */
    public int runsInFlight() {
        return live.size();
    }

    /** Returns the checkpoint policy. */
    public CheckpointPolicy checkpointPolicy() {
        return checkpointPolicy;
    }

    /**
     * Returns how many step checkpoints wait in memory for the store to come back (always 0
     * under {@link CheckpointPolicy#REQUIRED}).
     */
    public int deferredCheckpoints() {
        return deferred == null ? 0 : deferred.size();
    }

    /**
     * Cancels every run in flight (reason {@code "runner closed"}) and stops the workers once their
     * current steps return. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        for (Map.Entry<Key, RunAttempt> e : new ArrayList<>(live.entrySet())) {
            e.getValue().cancel("runner closed");
        }
        executor.shutdown();
        if (deferred != null) {
            deferred.close();
        }
    }

    @Override
    public String toString() {
        return "WorkflowRunner{workers=" + workers + ", workflows=" + workflows.keySet() + ", inFlight=" + live.size()
                + ", queuedSteps=" + queuedSteps() + (closed ? ", closed" : "") + "}";
    }

    // ------------------------------------------------------------------ for RunAttempt

    RunRecorder recorder() {
        return recorder;
    }

    RunStore store() {
        return store;
    }

    /**
     * Stores a checkpoint, or defers it under the policy; returns null when it is stored or
     * deferred, else the failure (the caller fails the step). While earlier checkpoints wait for
     * an unavailable store, a new one joins them without calling the store, so that no worker
     * waits on a store that is known to be down.
     */
    RuntimeException checkpoint(StepCheckpoint checkpoint) {
        if (deferred != null && !deferred.isEmpty()) {
            return deferred.add(checkpoint) ? null : tooManyDeferred();
        }
        try {
            store.saveCheckpoint(checkpoint.workspaceId(), checkpoint);
            return null;
        } catch (RunStoreUnavailableException e) {
            if (deferred == null) {
                return e;
            }
            return deferred.add(checkpoint) ? null : tooManyDeferred();
        } catch (RuntimeException e) {
            return e;
        }
    }

    private RunStoreUnavailableException tooManyDeferred() {
        return new RunStoreUnavailableException("the store is unavailable and " + deferred.size()
                + " checkpoints already wait for it (maxDeferredCheckpoints)", RunStoreUnavailableException.DEFAULT_RETRY_AFTER,
                null);
    }

    /** Returns a step task that waits in the queue by {@code priority}, after those queued before it. */
    QueuedStep queuedStep(int priority, Runnable step) {
        return new QueuedStep(priority, queueSequence.incrementAndGet(), step);
    }

    void execute(QueuedStep task) {
        executor.execute(task);
    }

    void unqueue(FutureTask<Void> task) {
        if (task != null) {
            task.cancel(false);
            executor.remove(task);
        }
    }

    void ended(RunAttempt execution, RunOutcome outcome) {
        Key key = new Key(execution.workspaceId, execution.runId);
        // Forget it as live before completing the future, so that a caller woken by the future
        // can resume the run at once.
        live.remove(key, execution);
        synchronized (finished) {
            finished.put(key, execution);
        }
        execution.done.complete(outcome);
    }

    private WorkflowDefinition workflow(String workflowId) {
        Objects.requireNonNull(workflowId, "workflowId");
        WorkflowDefinition workflow = workflows.get(workflowId);
        if (workflow == null) {
            throw new IllegalArgumentException("unknown workflow '" + workflowId + "'; this runner knows "
                    + workflows.keySet());
        }
        return workflow;
    }

    /** Describes a failure for people: its class's simple name and message. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        String type = e.getClass().getSimpleName().isEmpty() ? e.getClass().getName() : e.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    private record Key(String workspaceId, String runId) {}

    /** Configures a {@link WorkflowRunner}. Each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private final RunRecorder recorder;
        private final RunStore store;
        private final Map<String, WorkflowDefinition> workflows = new LinkedHashMap<>();
        private int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int retainFinished = 1000;
        private Duration heartbeatEvery = DEFAULT_HEARTBEAT;
        private CheckpointPolicy checkpointPolicy = CheckpointPolicy.DEFERRED;
        private int maxDeferredCheckpoints = DEFAULT_MAX_DEFERRED_CHECKPOINTS;
        private Duration deferredRetry = Duration.ofSeconds(1);

        private Builder(RunRecorder recorder, RunStore store) {
            this.recorder = Objects.requireNonNull(recorder, "recorder");
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * @param workers how many steps run at once; default: the number of processors (at least 2)
         * @return this builder
         * @throws IllegalArgumentException if below 1
         */
        public Builder workers(int workers) {
            this.workers = Checks.atLeast("workers", workers, 1);
            return this;
        }

        /**
         * Adds a workflow the runner can run and resume.
         *
         * @param workflow the definition
         * @return this builder
         * @throws NullPointerException if null
         * @throws IllegalStateException if a workflow with that id was added already
         */
        public Builder workflow(WorkflowDefinition workflow) {
            Objects.requireNonNull(workflow, "workflow");
            if (workflows.putIfAbsent(workflow.id(), workflow) != null) {
                throw new IllegalStateException("workflow '" + workflow.id() + "' was added twice");
            }
            return this;
        }

        /**
         * Adds workflows, as {@link #workflow} each.
         *
         * @param all the definitions
         * @return this builder
         */
        public Builder workflows(Collection<WorkflowDefinition> all) {
            all.forEach(this::workflow);
            return this;
        }

        /**
         * @param count how many ended run attempts {@link WorkflowRunner#completion} remembers;
         *     default 1000
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder retainFinished(int count) {
            this.retainFinished = Checks.atLeast("retainFinished", count, 0);
            return this;
        }

        /**
         * How often the runner refreshes the heartbeat of each run in flight in its recorder
         * ({@link RunRecorder#heartbeatAll}), on a daemon thread of its own; {@link Duration#ZERO} turns that off (the
         * host then heartbeats). Pick it well within the lease that {@link
         * RunRecorder#failAbandonedRuns} is called with anywhere (10 s for 60 s, say).
         *
         * @param every default {@value #DEFAULT_HEARTBEAT_SECONDS} s
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder heartbeatEvery(Duration every) {
            Objects.requireNonNull(every, "every");
            if (every.isNegative()) {
                throw new IllegalArgumentException("heartbeatEvery must not be negative, was " + every);
            }
            this.heartbeatEvery = every;
            return this;
        }

        /**
         * What a step does when the store is unavailable for its checkpoint. Default
         * {@link CheckpointPolicy#DEFERRED}, which guarantees:
         * <ul>
         *   <li>the step completes, and its output goes to the steps downstream of it in the same
         *       attempt, as with a stored checkpoint;</li>
         *   <li>the checkpoint is kept in memory (at most {@link #deferredCheckpoints maxDeferred},
         *       10,000 by default; beyond that a step fails as under {@code REQUIRED}) and written,
         *       in order, as soon as the store takes it again (tried every second, and at
         *       {@link WorkflowRunner#close()});</li>
         *   <li>until the run's deferred checkpoints are written, a resume of the run through this
         *       runner is refused as {@code UNAVAILABLE} (503), never planned without them;</li>
         *   <li>a deferred checkpoint lost with the process (or refused by the store for good) is as
         *       if the step had never been checkpointed: a resume from a step downstream of it is
         *       refused (no output to restore), and a resume that runs it again recomputes it. A
         *       resume never restores an output other than the step's latest stored one.</li>
         * </ul>
         * While checkpoints wait, new ones join them without calling the store, so workers never
         * wait on a store that is known to be down. Other store failures fail the step under either
         * policy.
         *
         * @param policy the policy
         * @return this builder
         * @throws NullPointerException if null
         */
        public Builder checkpointPolicy(CheckpointPolicy policy) {
            this.checkpointPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Bounds the checkpoints {@link CheckpointPolicy#DEFERRED} keeps in memory, and sets how
         * often it tries the store again while they wait.
         *
         * @param max at most this many wait; default {@value WorkflowRunner#DEFAULT_MAX_DEFERRED_CHECKPOINTS}
         * @param retryEvery the pause between tries while the store refuses them; default 1 s
         * @return this builder
         * @throws IllegalArgumentException if max is below 1 or retryEvery is not positive
         */
        public Builder deferredCheckpoints(int max, Duration retryEvery) {
            this.maxDeferredCheckpoints = Checks.atLeast("max", max, 1);
            Objects.requireNonNull(retryEvery, "retryEvery");
            if (retryEvery.isNegative() || retryEvery.isZero()) {
                throw new IllegalArgumentException("retryEvery must be positive, was " + retryEvery);
            }
            this.deferredRetry = retryEvery;
            return this;
        }

        /**
         * Builds the runner and starts its workers.
         *
         * @throws IllegalStateException if no workflow was added
         */
        public WorkflowRunner build() {
            if (workflows.isEmpty()) {
                throw new IllegalStateException("a runner needs at least one workflow");
            }
            return new WorkflowRunner(this);
        }

        @Override
        public String toString() {
            return "WorkflowRunner.Builder{workers=" + workers + ", workflows=" + workflows.keySet()
                    + ", retainFinished=" + retainFinished + ", heartbeatEvery=" + heartbeatEvery + ", checkpointPolicy="
                    + checkpointPolicy + ", maxDeferredCheckpoints=" + maxDeferredCheckpoints + "}";
        }
    }
}
