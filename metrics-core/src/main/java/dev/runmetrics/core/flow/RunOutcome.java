package dev.runmetrics.core.flow;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.JsonValues;
import dev.runmetrics.core.model.RunStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How one attempt of a run ended in a {@link WorkflowRunner}: what {@link WorkflowRunner#completion}
 * completes with. Immutable.
 *
 * @param workspaceId the tenant
 * @param runId the run
 * @param attempt the attempt that ended
 * @param status {@code COMPLETED}, {@code FAILED}, {@code PAUSED} or {@code CANCELLED}
 * @param message why it failed, paused or was cancelled (as recorded), or null when completed
 * @param steps the status of each step in this attempt, in definition order; restored steps count as
 *     {@code COMPLETED}; a step that was never scheduled (downstream of a failure) has no entry
 * @param outputs the output of every completed step of this attempt, restored ones included
 * @param restoredSteps the steps whose outputs were restored from checkpoints instead of run
 */
public record RunOutcome(String workspaceId, String runId, int attempt, RunStatus status, String message,
        Map<String, RunStatus> steps, Map<String, Object> outputs, Set<String> restoredSteps) {

    /**
     * @throws NullPointerException if a required field is null
     * @throws IllegalArgumentException if an id is malformed or the outputs are not JSON-like
     */
    public RunOutcome {
        Checks.id("workspaceId", workspaceId);
        Checks.id("runId", runId);
        Checks.atLeast("attempt", attempt, 1);
        Objects.requireNonNull(status, "status");
        steps = Collections.unmodifiableMap(new LinkedHashMap<>(steps));
        outputs = JsonValues.copyOfMap(outputs);
        restoredSteps = Set.copyOf(restoredSteps);
    }
}
