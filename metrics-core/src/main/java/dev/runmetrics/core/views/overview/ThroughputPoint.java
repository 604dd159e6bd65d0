package dev.runmetrics.core.views.overview;

import java.time.Instant;
import java.util.Objects;

/**
 * One point of the throughput trend: a timeline bucket's executions per minute. Immutable.
 *
 * @param timestamp the bucket's start
 * @param value executions that ended in the bucket, divided by the bucket's length in minutes
 * @param complete false only for the last bucket, the one holding now: its value counts the
 *     executions so far over the whole bucket's length, so it reads low until the bucket ends;
 *     charts leave it out or mark it
 */
public record ThroughputPoint(Instant timestamp, double value, boolean complete) {
    /** @throws NullPointerException if timestamp is null */
    public ThroughputPoint {
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
