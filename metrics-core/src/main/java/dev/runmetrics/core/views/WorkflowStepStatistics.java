package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.Checks;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A workflow's per-step statistics over the runs that ended in a range, from
 * {@link StepStatisticsView#steps}: which runs were measured (the latest {@code runLimit} of them)
 * and one {@link StepStatistics} per step, in step order. Immutable.
 *
 * @param workflowId the workflow
 * @param startDate the range's first instant (inclusive)
 * @param endDate the range's end (exclusive)
 * @param unit the unit of the durations, always {@code "ms"}
 * @param runLimit the most runs measured
 * @param runsAnalyzed how many runs were measured
 * @param truncated whether more runs ended in the range than {@code runLimit}: then only the latest
 *     were measured
 * @param steps one entry per step, by step order, then step id
 */
public record WorkflowStepStatistics(String workflowId, Instant startDate, Instant endDate, String unit,
        int runLimit, int runsAnalyzed, boolean truncated, List<StepStatistics> steps) {

    /** @throws NullPointerException if a field is null */
    public WorkflowStepStatistics {
        Checks.id("workflowId", workflowId);
        Objects.requireNonNull(startDate, "startDate");
        Objects.requireNonNull(endDate, "endDate");
        Objects.requireNonNull(unit, "unit");
        steps = List.copyOf(steps);
    }
}
