package dev.runmetrics.core.views.overview;

import java.time.Instant;

/**
 * One timeline bucket. Immutable.
 *
 * @param timestamp the bucket's start
 * @param executions executions that ended in it
 * @param successRate percent completed (0 when none)
 * @param avgDuration mean execution time in seconds, or null when none
 */
public record TimelinePoint(Instant timestamp, long executions, double successRate, Double avgDuration) {
}
