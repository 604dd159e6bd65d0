package dev.runmetrics.core.views;

import dev.runmetrics.core.store.DurationStatistics;

/**
 * The execution-time statistics of a workflow's runs (or all workflows' runs) that ended in a
 * range, in milliseconds; computed by {@link ExecutionTimeStatisticsView#executionTimes}. Values
 * are null when {@code count == 0}. Immutable.
 *
 * @param count how many runs were measured
 * @param avg mean execution time, or null
 * @param median median, or null
 * @param min fastest, or null
 * @param max slowest, or null
 * @param p95 95th percentile, or null
 * @param p99 99th percentile, or null
 * @param exact whether computed from the raw rows (see {@link DurationStatistics})
 */
public record ExecutionTimeStatistics(long count, Double avg, Double median, Double min, Double max, Double p95,
        Double p99, boolean exact) {

    /** @throws IllegalArgumentException if count is negative or nullness disagrees with count */
    public ExecutionTimeStatistics {
        new DurationStatistics(count, avg, min, max, median, median, median, p95, p99, exact); // same checks
    }

    /** Takes the count, mean, median, extremes, p95 and p99 of general duration statistics. */
    public static ExecutionTimeStatistics from(DurationStatistics s) {
        return new ExecutionTimeStatistics(s.count(), s.mean(), s.p50(), s.min(), s.max(), s.p95(), s.p99(),
                s.exact());
    }
}
