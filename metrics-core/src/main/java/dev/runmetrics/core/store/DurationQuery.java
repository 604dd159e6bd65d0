package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import java.time.Instant;
import java.util.Objects;

/**
 * The attempts {@link RunStore#exactDurations} measures: the ended attempts (terminal status) of
 * the runs of one workflow (or all) whose {@code completedAt} lies in {@code [from, to)} — every
 * attempt that ended, once, as the WORKFLOW rollups of those minutes count them (a run that failed,
 * was resumed and completed is two), so exact and rollup answers describe the same population.
 *
 * @param workflowId one workflow, or null for all of the workspace's
 * @param from the first instant (inclusive)
 * @param to the end (exclusive)
 */
public record DurationQuery(String workflowId, Instant from, Instant to) {

    /**
     * @throws NullPointerException if from or to is null
     * @throws IllegalArgumentException if the range is reversed or the workflow id malformed
     */
    public DurationQuery {
        Checks.optionalId("workflowId", workflowId);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
    }

    /** Returns whether a run's latest ended attempt (this snapshot) is in this query's population. */
    public boolean matches(Run run) {
        return run.status().isTerminal() && run.completedAt() != null
                && (workflowId == null || workflowId.equals(run.workflowId()))
                && !run.completedAt().isBefore(from) && run.completedAt().isBefore(to);
    }
}
