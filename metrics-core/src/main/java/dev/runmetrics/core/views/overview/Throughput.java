package dev.runmetrics.core.views.overview;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Throughput over the period and now. Two kinds of figure, never to be confused: the <b>period
 * averages</b> (the seed's {@code executionsPerMinute}, {@code executionsPerHour},
 * {@code executionsPerDay} and {@code capacityUtilization}) spread the period's executions over
 * its whole elapsed time, so in the first minutes of a workload, or over 30 days, they read far
 * below the current rate; the <b>current rates</b> ({@code executionsLastMinute},
 * {@code executionsPerMinuteLast5Minutes} and the two {@code capacityUtilizationLast…}) cover only
 * the last complete minute or five, which end at {@code recentWindowEnd} (the start of the minute
 * holding now). Immutable.
 *
 * @param executionsPerMinute period average: executions that ended in the period per minute of
 *     its elapsed part ({@code [periodStart, now)}, minutes before the first run included)
 * @param executionsPerHour the same period average per hour ({@code executionsPerMinute} × 60)
 * @param executionsPerDay the same period average per day ({@code executionsPerMinute} × 1440)
 * @param throughputTrend one point per timeline bucket: executions per minute in that bucket, the
 *     last one {@linkplain ThroughputPoint#complete() incomplete}
 * @param peakThroughput the highest complete trend point, or null when none has an execution
 * @param capacityUtilization period average: execution time of the runs that ended in the period
 *     as a percentage of {@code maxCapacity} workers over its elapsed part
 * @param maxCapacity the configured worker capacity (runs that can execute at once)
 * @param recentWindowEnd the end of the last complete minute (now, floored to the minute)
 * @param executionsLastMinute current rate: executions that ended in the last complete minute
 *     ({@code [recentWindowEnd − 1 min, recentWindowEnd)}), that is, per minute
 * @param executionsPerMinuteLast5Minutes current rate: executions that ended in the last five
 *     complete minutes, divided by 5
 * @param capacityUtilizationLastMinute execution time of the runs that ended in the last complete
 *     minute as a percentage of {@code maxCapacity} workers × 60 s (a run counts wholly in the
 *     minute it ended in, so a minute may exceed 100)
 * @param capacityUtilizationLast5Minutes the same over the last five complete minutes
 */
public record Throughput(double executionsPerMinute, double executionsPerHour, double executionsPerDay,
        List<ThroughputPoint> throughputTrend, TimedValue peakThroughput, double capacityUtilization, int maxCapacity,
        Instant recentWindowEnd, long executionsLastMinute, double executionsPerMinuteLast5Minutes,
        double capacityUtilizationLastMinute, double capacityUtilizationLast5Minutes) {
    /**
     * Copies the trend.
     *
     * @throws NullPointerException if the trend or recentWindowEnd is null
     */
    public Throughput {
        throughputTrend = List.copyOf(throughputTrend);
        Objects.requireNonNull(recentWindowEnd, "recentWindowEnd");
    }
}
