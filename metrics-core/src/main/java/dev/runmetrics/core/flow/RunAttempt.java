package dev.runmetrics.core.flow;

import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeTimeoutException;
import dev.runmetrics.core.node.WorkspaceScope;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.StepCheckpoint;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One attempt of one run in a {@link WorkflowRunner}: the state of each step, and the scheduling
 * that moves steps from pending to queued (on the runner's executor) to an end.
 *
 * <p>Thread-safe: all state is guarded by this object's monitor. Recorder calls are made while it
 * is held (they are short and never throw), so one run's events are recorded in the order the
 * state changed; node calls and checkpoint writes are made without it. The outcome is handed to
 * the runner after the monitor is released ({@link #deliver()}), so that code waiting on the
 * run's future never runs under it.
 */
final class RunAttempt {

    private enum State { PENDING, QUEUED, RUNNING, COMPLETED, SKIPPED, FAILED, PAUSED, CANCELLED }

    private enum Stop { NONE, PAUSE, CANCEL }

    final String workspaceId;
    final String runId;
    final int attempt;
    /** The run's queue priority ({@link QueuedStep}): every step of this attempt waits by it. */
    final int priority;
    final WorkflowDefinition workflow;
    final CompletableFuture<RunOutcome> done = new CompletableFuture<>();

    private final WorkflowRunner runner;
    private final RunRecorder recorder;
    private final Map<String, Object> input;
    private final String resumedStep;
    private final Map<String, Object> overrides;
    private final Set<String> restored;

    // Guarded by this.
    private final Map<String, State> states = new LinkedHashMap<>();
    private final Map<String, Object> outputs = new LinkedHashMap<>();
    private final Map<String, QueuedStep> queued = new HashMap<>();
    private final Map<String, Thread> running = new HashMap<>();
    private int inFlight;
    private boolean started;
    private Stop stop = Stop.NONE;
    private String stopReason;
    private String failure;
    private String pauseReason;
    private RunOutcome outcome;
    private boolean delivered;

    RunAttempt(WorkflowRunner runner, String workspaceId, String runId, int attempt, int priority,
            WorkflowDefinition workflow,
            Map<String, Object> input, String resumedStep, Map<String, Object> overrides,
            Map<String, Object> restoredOutputs) {
        this.runner = runner;
        this.recorder = runner.recorder();
        this.workspaceId = workspaceId;
        this.runId = runId;
        this.attempt = attempt;
        this.priority = priority;
        this.workflow = workflow;
        this.input = input;
        this.resumedStep = resumedStep;
        this.overrides = overrides;
        this.restored = Set.copyOf(restoredOutputs.keySet());
        for (StepDefinition step : workflow.steps()) {
            boolean isRestored = restoredOutputs.containsKey(step.id());
            states.put(step.id(), isRestored ? State.COMPLETED : State.PENDING);
            if (isRestored) {
                outputs.put(step.id(), restoredOutputs.get(step.id()));
            }
        }
    }

    /** Schedules the steps that can run now. */
    void start() {
        synchronized (this) {
            advance();
        }
        deliver();
    }

    /** Pauses the attempt as an operator asked; false if it already ended or is stopping. */
    boolean pause(String reason) {
        synchronized (this) {
            if (outcome != null || stop != Stop.NONE) {
                return false;
            }
            stop = Stop.PAUSE;
            stopReason = reason;
            String why = reason == null ? "paused by an operator" : "paused by an operator: " + reason;
            if (pauseReason == null) {
                pauseReason = why;
            }
            for (String stepId : List.copyOf(queued.keySet())) {
                unqueue(stepId);
                states.put(stepId, State.PAUSED);
                recorder.stepPaused(workspaceId, runId, stepId, why);
            }
            advance();
        }
        deliver();
        return true;
    }

    /** Cancels the attempt: waiting steps end now, running ones are interrupted; false if it already ended. */
    boolean cancel(String reason) {
        synchronized (this) {
            if (outcome != null || stop == Stop.CANCEL) {
                return false;
            }
            stop = Stop.CANCEL;
            stopReason = reason;
            for (String stepId : List.copyOf(queued.keySet())) {
                unqueue(stepId);
                states.put(stepId, State.CANCELLED);
                recorder.stepCancelled(workspaceId, runId, stepId, reason);
            }
            for (Thread t : running.values()) {
                t.interrupt();
            }
            advance();
        }
        deliver();
        return true;
    }

    private void unqueue(String stepId) {
        QueuedStep task = queued.remove(stepId);
        runner.unqueue(task);
        inFlight--;
    }

    /** Runs one step on a worker thread. */
    private void runStep(StepDefinition step, StepInput in) {
        String id = step.id();
        synchronized (this) {
            if (states.get(id) != State.QUEUED) {
                return; // paused or cancelled while it waited; already accounted for
            }
            queued.remove(id);
            states.put(id, State.RUNNING);
            running.put(id, Thread.currentThread());
            if (!started) {
                started = true;
                recorder.runStarted(workspaceId, runId);
            }
            recorder.stepStarted(workspaceId, runId, step.spec(), null);
        }
        Object result = null;
        Throwable error = null;
        try {
            Invocation invocation = new Invocation(in, step.nodeConfig(), new Invocation.Tries() {
                @Override
                public void retrying(String message, String category) {
                    recorder.stepRetried(workspaceId, runId, id, message, category);
                }

                @Override
                public void started(int number) {
                    recorder.stepStarted(workspaceId, runId, step.spec(), null);
                }
            });
            // The node's calls count in this run's workspace (nodes made with WorkspaceNodeMetrics).
            result = WorkspaceScope.call(workspaceId, () -> step.node().apply(invocation));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            error = e;
        }
        synchronized (this) {
            running.remove(id);
        }
        Thread.interrupted(); // a cancel's interrupt must not leak into the worker's next task

        if (error == null && result instanceof PauseRequest pause) {
            synchronized (this) {
                inFlight--;
                states.put(id, State.PAUSED);
                String why = "step '" + id + "' paused: " + pause.reason();
                if (pauseReason == null) {
                    pauseReason = why;
                }
                recorder.stepPaused(workspaceId, runId, id, pause.reason());
                advance();
            }
            deliver();
            return;
        }
        Object output = null;
        if (error == null) {
            try {
                output = JsonValues.copyOf(result);
            } catch (IllegalArgumentException e) {
                error = new IllegalArgumentException("output of step '" + id + "' is not JSON-like: " + e.getMessage(), e);
            }
        }
        if (error == null) {
            // The step counts as completed only once its output is stored (or, under the DEFERRED
            // policy while the store is down, kept to be stored), so a resume can start after it.
            RuntimeException notStored = runner.checkpoint(
                    new StepCheckpoint(workspaceId, runId, id, attempt, output, recorder.now()));
            if (notStored != null) {
                error = new IllegalStateException("checkpoint of step '" + id + "' was not stored: "
                        + WorkflowRunner.describe(notStored), notStored);
            }
        }
        synchronized (this) {
            inFlight--;
            if (error == null) {
                states.put(id, State.COMPLETED);
                outputs.put(id, output);
                recorder.stepCompleted(workspaceId, runId, id, output);
            } else if (stop == Stop.CANCEL) {
                states.put(id, State.CANCELLED);
                recorder.stepCancelled(workspaceId, runId, id, stopReason);
            } else {
                fail(step, WorkflowRunner.describe(error), category(step, error));
            }
            advance();
        }
        deliver();
    }

    private void fail(StepDefinition step, String message, String category) {
        states.put(step.id(), State.FAILED);
        recorder.stepFailed(workspaceId, runId, step.id(), message, category);
        if (failure == null) {
            failure = "step '" + step.id() + "' failed: " + message;
        }
    }

    private static String category(StepDefinition step, Throwable error) {
        if (error instanceof NodeTimeoutException) {
            return ErrorCategory.TIMEOUT.name();
        }
        try {
            ErrorCategory c = step.nodeConfig().errorClassifier().classify(error);
            return (c == null ? ErrorCategory.OTHER : c).name();
        } catch (RuntimeException e) {
            return ErrorCategory.OTHER.name();
        }
    }

    /**
     * Moves every pending step whose dependencies have all completed or been skipped: skipped if
     * each of its dependencies was skipped or its condition is false, else queued (or paused, when
     * the attempt is pausing). Ends the attempt when nothing is queued or running. Holds the monitor.
     */
    private void advance() {
        boolean changed = true;
        while (changed && stop != Stop.CANCEL) {
            changed = false;
            for (StepDefinition step : workflow.steps()) {
                if (states.get(step.id()) != State.PENDING || !ready(step)) {
                    continue;
                }
                changed = true;
                schedule(step);
            }
        }
        if (inFlight == 0 && outcome == null) {
            finish();
        }
    }

    private boolean ready(StepDefinition step) {
        for (String dep : step.dependsOn()) {
            State s = states.get(dep);
            if (s != State.COMPLETED && s != State.SKIPPED) {
                return false;
            }
        }
        return true;
    }

    private void schedule(StepDefinition step) {
        String id = step.id();
        if (!step.dependsOn().isEmpty()
                && step.dependsOn().stream().allMatch(dep -> states.get(dep) == State.SKIPPED)) {
            skip(step, "every dependency was skipped");
            return;
        }
        if (step.condition().isPresent()) {
            StepCondition condition = step.condition().get();
            boolean runs;
            try {
                runs = condition.test(input);
            } catch (RuntimeException e) {
                recorder.stepQueued(workspaceId, runId, step.spec(), null);
                fail(step, "condition " + condition + " threw " + WorkflowRunner.describe(e), ErrorCategory.OTHER.name());
                return;
            }
            if (!runs) {
                skip(step, "condition " + condition + " is false");
                return;
            }
        }
        StepInput in = inputFor(step);
        recorder.stepQueued(workspaceId, runId, step.spec(), in.toMap());
        if (stop == Stop.PAUSE) {
            states.put(id, State.PAUSED);
            recorder.stepPaused(workspaceId, runId, id, pauseReason);
            return;
        }
        states.put(id, State.QUEUED);
        inFlight++;
        QueuedStep task = runner.queuedStep(priority, () -> runStep(step, in));
        queued.put(id, task);
        try {
            runner.execute(task);
        } catch (RejectedExecutionException e) {
            queued.remove(id);
            inFlight--;
            fail(step, "the runner is closed", ErrorCategory.OTHER.name());
        }
    }

    private void skip(StepDefinition step, String reason) {
        states.put(step.id(), State.SKIPPED);
        recorder.stepSkipped(workspaceId, runId, step.spec(), reason);
    }

    private StepInput inputFor(StepDefinition step) {
        Map<String, Object> deps = new LinkedHashMap<>();
        for (String dep : step.dependsOn()) {
            if (states.get(dep) == State.COMPLETED) {
                deps.put(dep, outputs.get(dep));
            }
        }
        Map<String, Object> stepInput = input;
        if (step.id().equals(resumedStep) && !overrides.isEmpty()) {
            stepInput = new LinkedHashMap<>(input);
            stepInput.putAll(overrides);
        }
        return new StepInput(workspaceId, runId, attempt, step.id(), stepInput, deps);
    }

    /** Ends the attempt; nothing is queued or running. Holds the monitor. */
    private void finish() {
        RunStatus status;
        String message;
        if (stop == Stop.CANCEL) {
            status = RunStatus.CANCELLED;
            message = stopReason;
            recorder.runCancelled(workspaceId, runId, stopReason);
        } else if (failure != null || states.containsValue(State.FAILED)) {
            status = RunStatus.FAILED;
            message = failure;
            startIfNot();
            recorder.runFailed(workspaceId, runId, failure);
        } else if (states.containsValue(State.PAUSED)) {
            status = RunStatus.PAUSED;
            message = pauseReason;
            recorder.runPaused(workspaceId, runId, pauseReason);
        } else if (states.containsValue(State.PENDING)) {
            // Unreachable: a pending step waits on a failed, paused or cancelled one. Kept safe.
            status = RunStatus.FAILED;
            message = "steps were left pending: " + pendingSteps();
            startIfNot();
            recorder.runFailed(workspaceId, runId, message);
        } else {
            status = RunStatus.COMPLETED;
            message = null;
            startIfNot();
            recorder.runCompleted(workspaceId, runId, results());
        }
        Map<String, RunStatus> stepStatuses = new LinkedHashMap<>();
        states.forEach((id, s) -> {
            if (s != State.PENDING) {
                stepStatuses.put(id, RunStatus.valueOf(s.name()));
            }
        });
        outcome = new RunOutcome(workspaceId, runId, attempt, status, message, stepStatuses, outputs, restored);
    }

    private void startIfNot() {
        if (!started) {
            started = true; // every step was skipped or restored: the run still started and ended
            recorder.runStarted(workspaceId, runId);
        }
    }

    private List<String> pendingSteps() {
        return states.entrySet().stream().filter(e -> e.getValue() == State.PENDING).map(Map.Entry::getKey).toList();
    }

    /** The run's results: the outputs of the completed steps nothing depends on. */
    private Map<String, Object> results() {
        Map<String, Object> results = new LinkedHashMap<>();
        for (StepDefinition step : workflow.steps()) {
            if (workflow.dependentsOf(step.id()).isEmpty() && states.get(step.id()) == State.COMPLETED) {
                results.put(step.id(), outputs.get(step.id()));
            }
        }
        return results;
    }

    /** Hands the outcome to the runner once, outside the monitor. */
    private void deliver() {
        RunOutcome o;
        synchronized (this) {
            if (outcome == null || delivered) {
                return;
            }
            delivered = true;
            o = outcome;
        }
        runner.ended(this, o);
    }
}
