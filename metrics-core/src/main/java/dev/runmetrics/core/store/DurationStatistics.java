package dev.runmetrics.core.store;

/**
 * Summary statistics of a set of durations, in milliseconds (fractional: microsecond precision).
 * Every value is null when {@code count == 0}: no samples means no statistics, never 0.
 *
 * <p><b>Percentiles</b> are nearest rank, the one definition every source uses: the p-th
 * percentile of {@code n} samples is the sample at rank {@link #rank rank(p, n)} =
 * {@code ceil(p/100 * n)} (at least 1) in ascending order, a value that was recorded, never an
 * interpolation between two (PostgreSQL's {@code percentile_disc}).
 *
 * <p>Two sources produce it, and say which in {@link #exact()}:
 * <ul>
 *   <li>exact, over the raw rows of a short range ({@code RunStore.exactDurations});
 *   <li>from merged rollup histograms ({@link DurationHistogram#statistics()}): each value is
 *       the same rank's within {@link DurationHistogram#RELATIVE_ERROR} (mean, min and max
 *       included), and exact below 2,048 µs.
 * </ul>
 *
 * @param count the number of samples
 * @param mean the arithmetic mean, or null
 * @param min the smallest sample, or null
 * @param max the largest sample, or null
 * @param p50 the median, or null
 * @param p75 the 75th percentile, or null
 * @param p90 the 90th percentile, or null
 * @param p95 the 95th percentile, or null
 * @param p99 the 99th percentile, or null
 * @param exact whether the values were computed from the raw samples
 */
public record DurationStatistics(long count, Double mean, Double min, Double max, Double p50, Double p75, Double p90,
        Double p95, Double p99, boolean exact) {

    /**
     * @throws IllegalArgumentException if count is negative, values are missing for a non-empty
     *     set or present for an empty one
     */
    public DurationStatistics {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        boolean allNull = mean == null && min == null && max == null && p50 == null && p75 == null && p90 == null
                && p95 == null && p99 == null;
        boolean noneNull = mean != null && min != null && max != null && p50 != null && p75 != null && p90 != null
                && p95 != null && p99 != null;
        if (count == 0 ? !allNull : !noneNull) {
            throw new IllegalArgumentException(count == 0
                    ? "statistics of no samples must be null" : "statistics of " + count + " samples must not be null");
        }
    }

    /** The statistics of no samples: count 0, every value null. */
    public static DurationStatistics empty(boolean exact) {
        return new DurationStatistics(0, null, null, null, null, null, null, null, null, exact);
    }

    /**
     * The 1-based rank, in ascending order, of the sample that is the {@code fraction}-quantile of
     * {@code n} samples: {@code ceil(fraction * n)}, at least 1 (nearest rank). Computed in double
     * precision, as PostgreSQL's {@code percentile_disc} computes it, so both agree.
     *
     * @param fraction the quantile, from 0 to 1
     * @param n the number of samples, at least 1
     */
    public static long rank(double fraction, long n) {
        return Math.max(1, Math.min(n, (long) Math.ceil(fraction * n)));
    }

    /**
     * Computes exact statistics of raw samples, percentiles by nearest rank ({@link #rank}). This
     * is what an in-memory store answers {@code exactDurations} with, and what tests compare
     * rollups to.
     *
     * @param millis the samples in milliseconds, finite; not modified
     * @return the statistics, {@code exact == true}
     * @throws IllegalArgumentException if a sample is NaN or infinite
     */
    public static DurationStatistics exactOf(double[] millis) {
        if (millis.length == 0) {
            return empty(true);
        }
        double[] sorted = millis.clone();
        double sum = 0;
        for (double value : sorted) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("samples must be finite, found " + value);
            }
            sum += value;
        }
        java.util.Arrays.sort(sorted);
        return new DurationStatistics(sorted.length, sum / sorted.length, sorted[0], sorted[sorted.length - 1],
                nearestRank(sorted, 0.50), nearestRank(sorted, 0.75), nearestRank(sorted, 0.90),
                nearestRank(sorted, 0.95), nearestRank(sorted, 0.99), true);
    }

    private static double nearestRank(double[] sorted, double fraction) {
        return sorted[(int) rank(fraction, sorted.length) - 1];
    }

    /** The median ({@link #p50()}). */
    public Double median() {
        return p50;
    }
}
