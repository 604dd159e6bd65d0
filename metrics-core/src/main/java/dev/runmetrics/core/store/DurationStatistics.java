package dev.runmetrics.core.store;

/**
 * Summary statistics of a set of durations, in milliseconds (fractional: microsecond precision).
 * Every value is null when {@code count == 0}: no samples means no statistics, never 0.
 *
 * <p>Two sources produce it, and say which in {@link #exact()}:
 * <ul>
 *   <li>exact, over the raw rows of a short range ({@code RunStore.exactDurations}): percentiles
 *       by linear interpolation between the closest ranks, as PostgreSQL's
 *       {@code percentile_cont} computes them;
 *   <li>from merged rollup histograms ({@link DurationHistogram#statistics()}): each value is
 *       within {@link DurationHistogram#RELATIVE_ERROR} of a recorded value at the same rank
 *       (mean, min and max included), and never below 1 µs resolution.
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
     * Computes exact statistics of raw samples, percentiles by linear interpolation between the
     * closest ranks (PostgreSQL's {@code percentile_cont}): the p-quantile of {@code n} sorted
     * samples is at position {@code p * (n - 1)}, interpolated between its neighbours. This is what
     * an in-memory store answers {@code exactDurations} with, and what tests compare rollups to.
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
                interpolated(sorted, 0.50), interpolated(sorted, 0.75), interpolated(sorted, 0.90),
                interpolated(sorted, 0.95), interpolated(sorted, 0.99), true);
    }

    private static double interpolated(double[] sorted, double fraction) {
        double position = fraction * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    /** The median ({@link #p50()}). */
    public Double median() {
        return p50;
    }
}
