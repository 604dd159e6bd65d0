package dev.runmetrics.core.views.overview;

import java.time.Instant;

/**
 * A burst: consecutive timeline buckets that were all busy. Immutable.
 *
 * @param startTime the first bucket's start
 * @param endTime the last bucket's end
 * @param peakExecutions the most executions in one of its buckets
 * @param totalExecutions executions in all its buckets
 * @param impact how far its peak stands out
 */
public record Burst(Instant startTime, Instant endTime, long peakExecutions, long totalExecutions, Level impact) {
}
