package dev.runmetrics.core.views.overview;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A workspace's resource use over a {@link Timeframe}, from the kept per-minute samples of every
 * instance serving it, in the timeframe's buckets (the live overview's timeline buckets: 1 minute
 * for 1h, 15 minutes for 24h, 1 hour for 7d, 6 hours for 30d). Immutable.
 *
 * @param timeframe the timeframe asked for
 * @param workspaceId the workspace
 * @param periodStart the first instant of the period (inclusive)
 * @param periodEnd the end of the period (exclusive): the end of the bucket holding now
 * @param bucketSeconds the length of one bucket, seconds
 * @param instances the ids of the instances with a sample in the period, sorted
 * @param buckets every bucket of the period, oldest first (those without samples have
 *     {@code minutes} 0 and null figures)
 */
public record ResourceHistory(Timeframe timeframe, String workspaceId, Instant periodStart, Instant periodEnd,
        long bucketSeconds, List<String> instances, List<ResourceBucket> buckets) {

    /** Copies the lists. */
    public ResourceHistory {
        Objects.requireNonNull(timeframe, "timeframe");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(periodEnd, "periodEnd");
        instances = List.copyOf(instances);
        buckets = List.copyOf(buckets);
    }
}
