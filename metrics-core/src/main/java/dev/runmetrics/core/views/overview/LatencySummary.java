package dev.runmetrics.core.views.overview;

import dev.runmetrics.core.store.DurationStatistics;

/**
 * Statistics of one latency, in seconds; all null when there were no samples. Immutable.
 *
 * @param avg mean
 * @param median the 50th percentile
 * @param p50 the 50th percentile
 * @param p75 the 75th percentile
 * @param p90 the 90th percentile
 * @param p95 the 95th percentile
 * @param p99 the 99th percentile
 */
public record LatencySummary(Double avg, Double median, Double p50, Double p75, Double p90, Double p95,
        Double p99) {

    /** Converts statistics in milliseconds to a summary in seconds. */
    public static LatencySummary ofMillis(DurationStatistics s) {
        return new LatencySummary(sec(s.mean()), sec(s.p50()), sec(s.p50()), sec(s.p75()), sec(s.p90()),
                sec(s.p95()), sec(s.p99()));
    }

    private static Double sec(Double millis) {
        return millis == null ? null : millis / 1000.0;
    }
}
