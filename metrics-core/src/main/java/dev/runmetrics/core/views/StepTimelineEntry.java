package dev.runmetrics.core.views;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One step of one attempt of a run, as a bar of its {@link RunTimeline}. A resumed run shows its
 * steps once per attempt that ran them, each entry carrying its {@code attempt}. A step of the
 * run's planned steps ({@link dev.runmetrics.core.model.Run#plannedSteps()}) that no attempt
 * reached has one entry, of the current attempt, with {@code reached == false}, status
 * {@code QUEUED} (the API's "pending") and no instants.
 *
 * <p>Immutable and thread-safe.
 *
 * @param stepId the step
 * @param stepName its display name
 * @param stepOrder its position in the workflow definition
 * @param nodeName the node that executed it
 * @param attempt the run attempt it belongs to, from 1
 * @param status its status
 * @param reached whether the step was scheduled (false: planned, never reached)
 * @param queuedAt when it was scheduled in this attempt, or null when it was not reached
 * @param startedAt when its first try started, or null
 * @param completedAt when it ended, or null
 * @param durationSeconds execution time in seconds (including retries and backoff), or null
 * @param retryCount retries within the attempt
 * @param errorMessage the last error, or null
 * @param inputSummary the bounded input summary, or null
 * @param outputSummary the bounded output summary, or null
 */
public record StepTimelineEntry(String stepId, String stepName, int stepOrder, String nodeName, int attempt,
        RunStatus status, boolean reached, Instant queuedAt, Instant startedAt, Instant completedAt, Double durationSeconds,
        int retryCount, String errorMessage, Map<String, Object> inputSummary, Map<String, Object> outputSummary) {

    /** @throws NullPointerException if a required component is null */
    public StepTimelineEntry {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(stepName, "stepName");
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(status, "status");
        if (reached) {
            Objects.requireNonNull(queuedAt, "queuedAt");
        }
    }

    /** Returns the timeline entry of a step run. */
    public static StepTimelineEntry of(StepRun step) {
        return new StepTimelineEntry(step.stepId(), step.stepName(), step.stepOrder(), step.nodeName(),
                step.attempt(), step.status(), true, step.queuedAt(), step.startedAt(), step.completedAt(),
                RunSummary.seconds(step), step.retryCount(), step.errorMessage(), step.inputSummary(),
                step.outputSummary());
    }

    /** Returns the entry of a planned step that no attempt reached, in the run's current attempt. */
    public static StepTimelineEntry pending(StepSpec step, int attempt) {
        return new StepTimelineEntry(step.stepId(), step.stepName(), step.stepOrder(), step.nodeName(), attempt,
                RunStatus.QUEUED, false, null, null, null, null, 0, null, null, null);
    }
}
