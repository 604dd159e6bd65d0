package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.Checks;

/**
 * One step's statistics across the runs of a workflow, from {@link StepStatisticsView#steps}:
 * how often it ran and how, and how long it took, in milliseconds. Durations are exact
 * (percentiles by nearest rank, as {@code percentile_disc}) over the executions that have
 * a start; they are null when there are none. Immutable.
 *
 * @param stepId the step id
 * @param stepName the display name of its latest execution
 * @param stepOrder the position of its latest execution in the workflow
 * @param nodeName the node of its latest execution
 * @param count how many executions ran and ended (completed, failed, timed out or cancelled;
 *     every attempt of a resumed run counts); skipped ones are counted apart
 * @param completed how many completed
 * @param failed how many failed or timed out
 * @param cancelled how many were cancelled
 * @param skipped how many were skipped (a condition excluded the step), not part of {@code count}
 * @param failureRate {@code failed} as a percentage of {@code count} (0 when count is 0)
 * @param avg mean execution time, or null
 * @param median median execution time, or null
 * @param p95 95th percentile of the execution times, or null
 * @param max longest execution time, or null
 */
public record StepStatistics(String stepId, String stepName, int stepOrder, String nodeName, long count,
        long completed, long failed, long cancelled, long skipped, double failureRate, Double avg, Double median,
        Double p95, Double max) {

    /**
     * @throws NullPointerException if an id or the name is null
     * @throws IllegalArgumentException if a count is negative or the outcomes do not add up to count
     */
    public StepStatistics {
        Checks.id("stepId", stepId);
        java.util.Objects.requireNonNull(stepName, "stepName");
        Checks.id("nodeName", nodeName);
        if (completed < 0 || failed < 0 || cancelled < 0 || skipped < 0 || completed + failed + cancelled != count) {
            throw new IllegalArgumentException("completed + failed + cancelled must equal count, all >= 0");
        }
    }
}
