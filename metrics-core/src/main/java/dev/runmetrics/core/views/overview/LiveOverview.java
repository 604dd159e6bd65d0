package dev.runmetrics.core.views.overview;

import java.time.Instant;
import java.util.Objects;

/**
 * The live overview of a workspace over a {@link Timeframe}: what runs now and is queued, and how
 * the runs that ended in the period behaved (throughput, latency, outcomes, patterns, resources).
 * Computed by {@code dev.runmetrics.core.views.LiveOverviewView}, whose Javadoc says how every
 * number is derived and which rule each pattern and anomaly follows. Units and conventions are in
 * the {@linkplain dev.runmetrics.core.views.overview package comment}.
 *
 * <p>Immutable and thread-safe, like every part of it.
 *
 * @param timeframe the timeframe asked for
 * @param workspaceId the workspace
 * @param generatedAt when the overview was computed
 * @param periodStart the first instant of the period (inclusive)
 * @param periodEnd the end of the period (exclusive): the end of the timeline bucket holding
 *     {@code generatedAt}, so the last bucket is still in progress
 * @param realtime the live section
 * @param throughput throughput over the period
 * @param latency latency statistics over the period
 * @param performance outcome counts and rates over the period
 * @param patterns timeline, bursts, hour and day patterns, anomalies
 * @param resources compute samples, model usage, database load
 */
public record LiveOverview(Timeframe timeframe, String workspaceId, Instant generatedAt, Instant periodStart,
        Instant periodEnd, Realtime realtime, Throughput throughput, Latency latency, Performance performance,
        Patterns patterns, Resources resources) {

    /** @throws NullPointerException if a component is null */
    public LiveOverview {
        Objects.requireNonNull(timeframe, "timeframe");
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(generatedAt, "generatedAt");
        Objects.requireNonNull(periodStart, "periodStart");
        Objects.requireNonNull(periodEnd, "periodEnd");
        Objects.requireNonNull(realtime, "realtime");
        Objects.requireNonNull(throughput, "throughput");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(performance, "performance");
        Objects.requireNonNull(patterns, "patterns");
        Objects.requireNonNull(resources, "resources");
    }
}
