package dev.runmetrics.core.views.overview;

/**
 * One hour of the day, summed over every day of the period. Immutable.
 *
 * @param hour 0-23 in the configured zone
 * @param executions executions that ended in that hour
 * @param successRate percent completed (0 when none)
 * @param avgLatency mean execution latency in seconds, or null when none
 */
public record HourPerformance(int hour, long executions, double successRate, Double avgLatency) {
}
