package dev.runmetrics.core.views.overview;

import dev.runmetrics.core.store.DurationHistogram;
import java.util.List;

/**
 * Latency over the period, from the merged rollup histograms (within
 * {@link DurationHistogram#RELATIVE_ERROR}). Immutable.
 *
 * @param queueLatency queued → started
 * @param executionLatency started → ended
 * @param endToEndLatency queued → ended
 * @param latencyDistribution execution latency in six buckets (see {@link LatencyBucket})
 */
public record Latency(LatencySummary queueLatency, LatencySummary executionLatency, LatencySummary endToEndLatency,
        List<LatencyBucket> latencyDistribution) {
    /** Copies the distribution. */
    public Latency {
        latencyDistribution = List.copyOf(latencyDistribution);
    }
}
