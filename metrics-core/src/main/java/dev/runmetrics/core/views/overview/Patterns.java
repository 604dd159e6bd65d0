package dev.runmetrics.core.views.overview;

import java.util.List;
import java.util.Objects;

/**
 * Patterns over the period. Immutable.
 *
 * @param timeline one point per timeline bucket
 * @param bursts runs of consecutive busy buckets
 * @param patterns hour and day patterns
 * @param anomalies spikes, drops and failure surges, in time order
 */
public record Patterns(List<TimelinePoint> timeline, List<Burst> bursts, PatternSummary patterns,
        List<Anomaly> anomalies) {
    /** Copies the lists. */
    public Patterns {
        timeline = List.copyOf(timeline);
        bursts = List.copyOf(bursts);
        Objects.requireNonNull(patterns, "patterns");
        anomalies = List.copyOf(anomalies);
    }
}
