package dev.runmetrics.core.node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The upper bounds of the cumulative duration histogram a collector keeps per node, in
 * milliseconds, strictly increasing; a last bucket without bound (+Inf) follows implicitly. Unlike
 * the rolling window's percentiles, bucket counts cover every execution since creation or the last
 * reset and add up across processes, so a scraper can compute quantiles over many instances
 * ({@code histogram_quantile} in Prometheus).
 *
 * <p>Immutable and thread-safe. Finding a duration's bucket is a binary search over the bounds; it
 * allocates nothing.
 */
public final class DurationBuckets {

    /** The most bounds a collector accepts, to keep each stripe's counters small. */
    public static final int MAX_BOUNDS = 64;

    private static final DurationBuckets DEFAULTS = of(1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000,
            10_000, 30_000, 60_000, 300_000);

    private final double[] upperBoundsMs;

    private DurationBuckets(double[] upperBoundsMs) {
        this.upperBoundsMs = upperBoundsMs;
    }

    /**
     * Returns the default bounds: 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30 s, 1 and
     * 5 minutes (16 bounds, so 17 buckets with +Inf).
     */
    public static DurationBuckets defaults() {
        return DEFAULTS;
    }

    /**
     * Returns buckets with these upper bounds.
     *
     * @param upperBoundsMs the bounds in milliseconds: finite, positive, strictly increasing, 1 to
     *     {@value #MAX_BOUNDS} of them
     * @throws NullPointerException if the array is null
     * @throws IllegalArgumentException if a bound is not finite and positive, the bounds do not
     *     increase, or there are none or too many
     */
    public static DurationBuckets of(double... upperBoundsMs) {
        double[] bounds = upperBoundsMs.clone();
        if (bounds.length == 0 || bounds.length > MAX_BOUNDS) {
            throw new IllegalArgumentException("duration buckets need 1 to " + MAX_BOUNDS + " bounds, got "
                    + bounds.length);
        }
        for (int i = 0; i < bounds.length; i++) {
            if (!(bounds[i] > 0 && bounds[i] <= Double.MAX_VALUE)) {
                throw new IllegalArgumentException("a duration bucket bound must be finite and positive, was "
                        + bounds[i]);
            }
            if (i > 0 && bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException("duration bucket bounds must increase strictly: " + bounds[i - 1]
                        + " then " + bounds[i]);
            }
        }
        return new DurationBuckets(bounds);
    }

    /** Returns the upper bounds in milliseconds, without the implicit +Inf. */
    public List<Double> upperBoundsMs() {
        List<Double> out = new ArrayList<>(upperBoundsMs.length);
        for (double b : upperBoundsMs) {
            out.add(b);
        }
        return Collections.unmodifiableList(out);
    }

    /** Returns the number of buckets, the +Inf bucket included (bounds + 1). */
    public int size() {
        return upperBoundsMs.length + 1;
    }

    /**
     * Returns the bucket a duration falls in: the first whose bound is at or above it (Prometheus'
     * {@code le}), or {@code size() - 1} for +Inf. {@code durationMs} is finite and non-negative.
     */
    int indexOf(double durationMs) {
        int low = 0;
        int high = upperBoundsMs.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (upperBoundsMs[mid] < durationMs) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DurationBuckets other && Arrays.equals(upperBoundsMs, other.upperBoundsMs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(upperBoundsMs);
    }

    @Override
    public String toString() {
        return "DurationBuckets" + Arrays.toString(upperBoundsMs);
    }
}
