package dev.runmetrics.core.node;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one node's cumulative duration histogram: how many executions (successes and
 * failures) took at most each bound, over every execution since the node was created or last
 * reset. This is what exporters publish as a histogram that aggregates across instances; the
 * rolling-window percentiles of {@link NodeMetrics} answer "how is it now" instead.
 *
 * <p>While other threads record, a snapshot may hold an execution in its bucket counts but not yet
 * in {@link #sumMs()} (or the other way round); once recording stops both are exact.
 *
 * @param upperBoundsMs the bucket bounds in milliseconds, increasing (+Inf is implicit)
 * @param cumulativeCounts for each bound, the executions that took at most that long, then one
 *     more entry for +Inf: all executions (so it has one entry more than the bounds, and never
 *     decreases)
 * @param sumMs the sum of all executions' durations in milliseconds
 */
public record NodeDurationHistogram(List<Double> upperBoundsMs, List<Long> cumulativeCounts, double sumMs) {

    /**
     * @throws NullPointerException if a list is null
     * @throws IllegalArgumentException if the counts do not have one entry more than the bounds
     */
    public NodeDurationHistogram {
        upperBoundsMs = List.copyOf(Objects.requireNonNull(upperBoundsMs, "upperBoundsMs"));
        cumulativeCounts = List.copyOf(Objects.requireNonNull(cumulativeCounts, "cumulativeCounts"));
        if (cumulativeCounts.size() != upperBoundsMs.size() + 1) {
            throw new IllegalArgumentException("cumulativeCounts needs " + (upperBoundsMs.size() + 1)
                    + " entries, has " + cumulativeCounts.size());
        }
    }

    /** Returns the number of executions counted: the +Inf bucket. */
    public long count() {
        return cumulativeCounts.get(cumulativeCounts.size() - 1);
    }
}
