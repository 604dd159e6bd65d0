package dev.runmetrics.core.views;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One step run inside a {@link RunDetail} ({@code step_executions} on the wire): one step of one
 * attempt of a run.
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
 * @param startedAt when its first try started, or null
 * @param completedAt when it ended, or null
 * @param duration execution time in seconds, or null until ended
 * @param retryCount retries within the attempt
 * @param errorMessage the last error, or null
 * @param outputData the output summary (bounded; the full output is the step's checkpoint), or null
 */
public record StepDetail(String id, String executionId, String stepId, String stepName, int attempt,
        RunStatus status, Instant startedAt, Instant completedAt, Double duration, int retryCount,
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
                step.stepId(), step.stepName(), step.attempt(), step.status(), step.startedAt(), step.completedAt(),
                RunSummary.seconds(step), step.retryCount(), step.errorMessage(), step.outputSummary());
    }
}
