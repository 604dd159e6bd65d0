package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.JsonValues;
import java.time.Instant;
import java.util.Objects;

/**
 * The full output of a completed step, kept so that a resume from a step restores the outputs of
 * the steps upstream of the resumed one instead of running them again.
 *
 * <p>Keyed by {@code (workspaceId, runId, stepId, attempt)}. The output of a step in a later
 * attempt supersedes the earlier ones; the earlier ones stay for the history.
 *
 * @param workspaceId the tenant
 * @param runId the run
 * @param stepId the step
 * @param attempt the run attempt in which the step completed
 * @param output the step's full output, a JSON-like value (not truncated)
 * @param createdAt when the step completed
 */
public record StepCheckpoint(String workspaceId, String runId, String stepId, int attempt, Object output,
        Instant createdAt) {

    /**
     * @throws NullPointerException if an id or the instant is null
     * @throws IllegalArgumentException if an id is malformed, the attempt is below 1 or the output
     *     is not JSON-like
     */
    public StepCheckpoint {
        Checks.id("workspaceId", workspaceId);
        Checks.id("runId", runId);
        Checks.id("stepId", stepId);
        Checks.atLeast("attempt", attempt, 1);
        output = JsonValues.copyOf(output);
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
