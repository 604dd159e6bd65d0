package dev.runmetrics.core.node;

/** The nearest-rank percentile definition used by every exact percentile in runmetrics. */
final class Percentiles {
    private Percentiles() {
    }

    /**
     * Returns the 0-based index, in a sorted array of {@code n > 0} samples, of the nearest-rank
     * {@code percentile}: the sample at 1-based rank {@code ceil(percentile / 100 * n)}, at least 1.
     */
    static int nearestRankIndex(int n, double percentile) {
        // The tolerance absorbs binary rounding (99.9% of 1000 computes as 999.0000000000001,
        // which must be rank 999, not 1000); real ranks are whole numbers, far from it.
        long rank = (long) Math.ceil(percentile / 100.0 * n - 1e-9);
        return (int) Math.min(n, Math.max(1, rank)) - 1;
    }

    /** Below this many values a range is put in order by insertion sort instead of partitioned. */
    private static final int INSERTION_SORT_MAX = 16;

    /**
     * Partially orders {@code values[0, n)} so that the nearest-rank p50, p90 and p99 sit at
     * {@code nearestRankIndex(n, 50 / 90 / 99)}: a nested selection, the largest rank first (after
     * selecting rank k, everything left of k is at most {@code values[k]}). n must be positive.
     */
    static void selectP50P90P99(long[] values, int n) {
        int i99 = nearestRankIndex(n, 99);
        int i90 = nearestRankIndex(n, 90);
        select(values, 0, n, i99);
        select(values, 0, i99, i90);
        select(values, 0, i90, nearestRankIndex(n, 50));
    }

    /**
     * Partially orders {@code values[from, to)} so that {@code values[k]} holds the value a full
     * ascending sort would put there, every value in {@code [from, k)} is at most it and every value
     * in {@code (k, to)} at least it (quickselect, median-of-three pivots; expected linear time).
     * Selecting several ranks from the highest down, each within the range left of the previous
     * one, yields the same values as one sort.
     *
     * @param values the values, compared as signed longs
     * @param from the first index of the range
     * @param to one past the last index of the range
     * @param k the index to select, {@code from <= k < to}
     */
    static void select(long[] values, int from, int to, int k) {
        int lo = from;
        int hi = to - 1;
        while (hi - lo >= INSERTION_SORT_MAX) {
            int mid = (lo + hi) >>> 1;
            // Median of three into values[mid], with values[lo] <= it <= values[hi] as sentinels.
            if (values[mid] < values[lo]) {
                swap(values, mid, lo);
            }
            if (values[hi] < values[lo]) {
                swap(values, hi, lo);
            }
            if (values[hi] < values[mid]) {
                swap(values, hi, mid);
            }
            long pivot = values[mid];
            int i = lo;
            int j = hi;
            while (i <= j) { // Hoare partition: stops on equal values, so duplicates split evenly
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(values, i, j);
                    i++;
                    j--;
                }
            }
            // Now [lo, j] <= pivot, (j, i) == pivot, [i, hi] >= pivot.
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
        for (int i = lo + 1; i <= hi; i++) {
            long value = values[i];
            int j = i - 1;
            while (j >= lo && values[j] > value) {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = value;
        }
    }

    private static void swap(long[] values, int i, int j) {
        long value = values[i];
        values[i] = values[j];
        values[j] = value;
    }
}
