package dev.runmetrics.core.views;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How the execution times of a workflow's runs (or all workflows' runs) moved over a range: one
 * {@link DurationTrendPoint} per hour or day, every bucket of the range present (empty ones with
 * count 0 and null percentiles), oldest first. Computed by {@link DurationTrendView#trend} from the
 * rollups, so each percentile is within 1/1024 of an exact one (see
 * {@link ExecutionTimeStatisticsView}). Immutable.
 *
 * @param workflowId the workflow, or null for all of the workspace's
 * @param startDate the range's first instant (inclusive)
 * @param endDate the range's end (exclusive)
 * @param bucket hour or day
 * @param unit the unit of the durations, always {@code "ms"}
 * @param count how many run attempts ended in the range, all buckets together
 * @param buckets the buckets, oldest first; the first and last may start before the range or end
 *     after it, and count only what ended inside it
 */
public record DurationTrend(String workflowId, Instant startDate, Instant endDate, TrendGranularity bucket,
        String unit, long count, List<DurationTrendPoint> buckets) {

    /** @throws NullPointerException if a field other than workflowId is null */
    public DurationTrend {
        Objects.requireNonNull(startDate, "startDate");
        Objects.requireNonNull(endDate, "endDate");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(unit, "unit");
        buckets = List.copyOf(buckets);
    }
}
