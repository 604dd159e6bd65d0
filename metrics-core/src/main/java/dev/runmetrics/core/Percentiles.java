package dev.runmetrics.core;

/** The nearest-rank percentile definition used by every exact percentile in runmetrics. */
final class Percentiles {
    private Percentiles() {
    }

    /**
     * Returns the 0-based index, in a sorted array of {@code n > 0} samples, of the nearest-rank
     * {@code percentile}: the sample at 1-based rank {@code ceil(percentile / 100 * n)}, at least 1.
     */
    static int nearestRankIndex(int n, double percentile) {
        // Multiply before dividing, and in long arithmetic for whole percentiles, so that
        // 99% of 100 is exactly rank 99 and not 99.00000000000001 rounded up to 100.
        long rank;
        if (percentile == Math.rint(percentile)) {
            long scaled = (long) percentile * n;
            rank = (scaled + 99) / 100;
        } else {
            rank = (long) Math.ceil(percentile / 100.0 * n);
        }
        return (int) Math.min(n, Math.max(1, rank)) - 1;
    }
}
