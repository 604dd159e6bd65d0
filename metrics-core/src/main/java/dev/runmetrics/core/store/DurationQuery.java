package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import java.time.Instant;
import java.util.Objects;

/**
 * The attempts {@link RunStore#exactDurations} measures: the ended attempts (terminal status) of
 * the runs of one workflow (or all) whose {@code completedAt} lies in {@code [from, to)} — every
 * attempt that ended, once, as the WORKFLOW rollups of those minutes count them (a run that failed,
 * was resumed and completed is two), so exact and rollup answers describe the same population.
 *
 * @param workflowId one workflow, or null for all of the workspace's
 * @param status only attempts that ended in this (terminal) status, or null for any
 * @param from the first instant (inclusive)
 * @param to the end (exclusive)
 */
public record DurationQuery(String workflowId, RunStatus status, Instant from, Instant to) {

    /**
     * @throws NullPointerException if from or to is null
     * @throws IllegalArgumentException if the range is reversed, the workflow id malformed or the
     *     status one that does not end an attempt
     */
    public DurationQuery {
        Checks.optionalId("workflowId", workflowId);
        if (status != null && !status.isTerminal()) {
            throw new IllegalArgumentException("status " + status.wireName() + " does not end an attempt");
        }
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
    }

    /** The attempts of one workflow (or all, when null) that ended in any status in {@code [from, to)}. */
    public DurationQuery(String workflowId, Instant from, Instant to) {
        this(workflowId, null, from, to);
    }

    /** Returns whether a run's latest ended attempt (this snapshot) is in this query's population. */
    public boolean matches(Run run) {
        return run.status().isTerminal() && run.completedAt() != null
                && (workflowId == null || workflowId.equals(run.workflowId()))
                && (status == null || status == run.status())
                && !run.completedAt().isBefore(from) && run.completedAt().isBefore(to);
    }
}
