package dev.runmetrics.core.record;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import java.time.Instant;
import java.util.Objects;

/**
 * One lifecycle event, as the {@link RunRecorder} delivers it to {@link RunListener}s: what
 * happened, when, and the snapshots right after it.
 *
 * <p>The HTTP adapter maps these to the run events of its WebSocket ({@code workflow_started},
 * {@code step_completed}, ...) and to the live overview's {@code execution_update}.
 *
 * @param type what happened
 * @param at when it happened (equals the snapshot's {@code updatedAt})
 * @param run the run after the event; never null
 * @param step the step run after the event for step events ({@link Type#isStepEvent()}), else null
 */
public record RunEvent(Type type, Instant at, Run run, StepRun step) {

    /** The kinds of lifecycle event. */
    public enum Type {
        /** A run was queued. */
        RUN_QUEUED,
        /** A run (or its resumed attempt) started executing. */
        RUN_STARTED,
        /** A run completed successfully. */
        RUN_COMPLETED,
        /** A run failed. */
        RUN_FAILED,
        /** A run was cancelled. */
        RUN_CANCELLED,
        /** A run timed out. */
        RUN_TIMEOUT,
        /** A run was paused. */
        RUN_PAUSED,
        /** A run was resumed: its snapshot carries the new attempt. */
        RUN_RESUMED,
        /** A step was scheduled (waiting for a worker). */
        STEP_QUEUED,
        /** A step started executing. */
        STEP_STARTED,
        /** A step completed; the snapshot carries its output summary. */
        STEP_COMPLETED,
        /** A step failed for good (no retry follows). */
        STEP_FAILED,
        /** A try of a step failed and the step will be tried again. */
        STEP_RETRIED,
        /** A step was skipped (a condition excluded it). */
        STEP_SKIPPED,
        /** A step paused (it waits for approval, or its run was paused before it started). */
        STEP_PAUSED,
        /** A step was cancelled with its run. */
        STEP_CANCELLED,
        /** A step's custom attributes changed (model, tokens, cost, ...). */
        STEP_ATTRIBUTES;

        /** Returns whether events of this type carry a step snapshot. */
        public boolean isStepEvent() {
            return name().startsWith("STEP_");
        }
    }

    /**
     * @throws NullPointerException if type, at or run is null
     * @throws IllegalArgumentException if a step event has no step, a run event has one, or the
     *     step belongs to another run
     */
    public RunEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(run, "run");
        if (type.isStepEvent() != (step != null)) {
            throw new IllegalArgumentException(type + (step == null ? " needs a step" : " takes no step"));
        }
        if (step != null && !(step.runId().equals(run.runId()) && step.workspaceId().equals(run.workspaceId()))) {
            throw new IllegalArgumentException("step belongs to another run");
        }
    }
}
