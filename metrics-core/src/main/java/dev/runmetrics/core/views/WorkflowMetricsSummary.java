package dev.runmetrics.core.views;

/**
 * A workflow's summary across all its ended runs, in seconds; computed by
 * {@link ExecutionTimeStatisticsView#workflowSummary}. Component names are the JSON field names (in
 * snake_case on the wire); an "execution" is one ended run attempt.
 *
 * <p>Successful means {@code COMPLETED}; failed means {@code FAILED} or {@code TIMEOUT}; the
 * durations are execution times of terminal runs. With no executions: counts and rates are 0,
 * {@code averageDurationSeconds} is 0 (the API declares it non-optional), min and max are null.
 * Immutable.
 *
 * @param totalDurationSeconds sum of execution times
 * @param successRate successful executions as a percentage of all terminal ones (0-100)
 * @param totalExecutions terminal executions counted
 * @param successfulExecutions completed ones
 * @param failedExecutions failed or timed-out ones
 * @param averageDurationSeconds mean execution time, 0 when there are none
 * @param minDurationSeconds fastest, or null when there are none
 * @param maxDurationSeconds slowest, or null when there are none
 */
public record WorkflowMetricsSummary(double totalDurationSeconds, double successRate, long totalExecutions,
        long successfulExecutions, long failedExecutions, double averageDurationSeconds, Double minDurationSeconds,
        Double maxDurationSeconds) {

    /** @throws IllegalArgumentException if counts are negative or inconsistent, or the rate is outside 0-100 */
    public WorkflowMetricsSummary {
        if (totalExecutions < 0 || successfulExecutions < 0 || failedExecutions < 0
                || successfulExecutions + failedExecutions > totalExecutions) {
            throw new IllegalArgumentException("inconsistent counts: total " + totalExecutions + ", successful "
                    + successfulExecutions + ", failed " + failedExecutions);
        }
        if (!(successRate >= 0 && successRate <= 100)) {
            throw new IllegalArgumentException("successRate must be within 0-100, was " + successRate);
        }
    }
}
