package dev.runmetrics.core.views;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.model.StepSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One step run inside a {@link RunDetail} ({@code step_executions} on the wire): one step of one
 * attempt of a run, or a planned step that no attempt reached ({@code reached == false}, status
 * {@code QUEUED}, the API's "pending", in the current attempt, with no instants).
 *
 * <p>Immutable and thread-safe.
 *
 * @param id {@code runId + ":" + stepId + ":" + attempt}, unique within the workspace (step runs
 *     are keyed by run, step and attempt, and have no id of their own)
 * @param executionId the run
 * @param stepId the step
 * @param stepName the step's display name
 * @param attempt the run attempt this step execution belongs to
 * @param status its status
 * @param reached whether the step was scheduled (false: planned, never reached)
 * @param startedAt when its first try started, or null
 * @param completedAt when it ended, or null
 * @param duration execution time in seconds, or null until ended
 * @param retryCount retries within the attempt
 * @param errorMessage the last error, or null
 * @param outputData the output summary (bounded; the full output is the step's checkpoint), or null
 */
public record StepDetail(String id, String executionId, String stepId, String stepName, int attempt,
        RunStatus status, boolean reached, Instant startedAt, Instant completedAt, Double duration, int retryCount,
        String errorMessage, Map<String, Object> outputData) {

    /** @throws NullPointerException if a required component is null */
    public StepDetail {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(executionId, "executionId");
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(status, "status");
    }

    /** Returns the step execution of a step run. */
    public static StepDetail of(StepRun step) {
        return new StepDetail(step.runId() + ":" + step.stepId() + ":" + step.attempt(), step.runId(),
                step.stepId(), step.stepName(), step.attempt(), step.status(), true, step.startedAt(), step.completedAt(),
                RunSummary.seconds(step), step.retryCount(), step.errorMessage(), step.outputSummary());
    }

    /** Returns the entry of a planned step of a run that no attempt reached, in its current attempt. */
    public static StepDetail pending(String runId, StepSpec step, int attempt) {
        return new StepDetail(runId + ":" + step.stepId() + ":" + attempt, runId, step.stepId(), step.stepName(),
                attempt, RunStatus.QUEUED, false, null, null, null, 0, null, null);
    }
}
