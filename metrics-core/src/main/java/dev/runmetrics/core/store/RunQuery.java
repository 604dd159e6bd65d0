package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Filters and paging for {@link RunStore#findRuns}: runs of one workflow (or all), in some
 * statuses (or any), queued in a half-open range {@code [queuedFrom, queuedTo)} (either end open
 * when null), newest first: ordered by {@code queuedAt} descending, then {@code runId} descending.
 *
 * @param workflowId only runs of this workflow, or null for all
 * @param statuses only runs in one of these statuses; empty means any
 * @param queuedFrom only runs queued at or after this instant, or null
 * @param queuedTo only runs queued before this instant, or null
 * @param skip how many matching runs to skip, at least 0
 * @param limit the page size, 1 to {@value #MAX_LIMIT}
 */
public record RunQuery(String workflowId, Set<RunStatus> statuses, Instant queuedFrom, Instant queuedTo, int skip,
        int limit) {

    /** The largest page a store must serve (the HTTP adapter caps the run list at 100). */
    public static final int MAX_LIMIT = 1000;

    /**
     * @throws NullPointerException if statuses is null
     * @throws IllegalArgumentException if skip is negative, the limit is out of range, the range is
     *     reversed, or the workflow id is malformed
     */
    public RunQuery {
        Checks.optionalId("workflowId", workflowId);
        Objects.requireNonNull(statuses, "statuses");
        statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
        Checks.atLeast("skip", skip, 0);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        if (queuedFrom != null && queuedTo != null && queuedTo.isBefore(queuedFrom)) {
            throw new IllegalArgumentException("queuedTo " + queuedTo + " is before queuedFrom " + queuedFrom);
        }
    }

    /** The first {@code limit} runs of one workflow (or all, when null), any status, any time. */
    public static RunQuery latest(String workflowId, int limit) {
        return new RunQuery(workflowId, Set.of(), null, null, 0, limit);
    }

    /** Returns whether a run matches the filters (not the paging); stores in memory use it. */
    public boolean matches(Run run) {
        return (workflowId == null || workflowId.equals(run.workflowId()))
                && (statuses.isEmpty() || statuses.contains(run.status()))
                && (queuedFrom == null || !run.queuedAt().isBefore(queuedFrom))
                && (queuedTo == null || run.queuedAt().isBefore(queuedTo));
    }
}
