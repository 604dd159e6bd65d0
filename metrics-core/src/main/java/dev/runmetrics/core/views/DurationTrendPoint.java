package dev.runmetrics.core.views;

import java.time.Instant;
import java.util.Objects;

/**
 * One bucket of a {@link DurationTrend}: the runs that ended in it, and the median and 95th
 * percentile of their execution times in milliseconds (null when none ended). Immutable.
 *
 * @param start the bucket's first instant (a whole UTC hour or day)
 * @param count how many run attempts ended in it, in any terminal status
 * @param failed how many of them failed or timed out
 * @param median median execution time, or null
 * @param p95 95th percentile of the execution times, or null
 */
public record DurationTrendPoint(Instant start, long count, long failed, Double median, Double p95) {

    /**
     * @throws NullPointerException if start is null
     * @throws IllegalArgumentException if a count is negative or failed exceeds count
     */
    public DurationTrendPoint {
        Objects.requireNonNull(start, "start");
        if (count < 0 || failed < 0 || failed > count) {
            throw new IllegalArgumentException("counts must satisfy 0 <= failed <= count, were " + failed + " and "
                    + count);
        }
    }
}
