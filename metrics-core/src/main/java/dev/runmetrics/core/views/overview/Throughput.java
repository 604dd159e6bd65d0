package dev.runmetrics.core.views.overview;

import java.util.List;

/**
 * Throughput over the period. Immutable.
 *
 * @param executionsPerMinute ended executions per minute of the elapsed period
 * @param executionsPerHour the same per hour
 * @param executionsPerDay the same per day
 * @param throughputTrend one point per timeline bucket: executions per minute in that bucket
 * @param peakThroughput the highest trend point, or null when nothing ended
 * @param capacityUtilization execution time of the ended runs as a percentage of
 *     {@code maxCapacity} workers over the elapsed period
 * @param maxCapacity the configured worker capacity (runs that can execute at once)
 */
public record Throughput(double executionsPerMinute, double executionsPerHour, double executionsPerDay,
        List<TimedValue> throughputTrend, TimedValue peakThroughput, double capacityUtilization, int maxCapacity) {
    /** Copies the trend. */
    public Throughput {
        throughputTrend = List.copyOf(throughputTrend);
    }
}
