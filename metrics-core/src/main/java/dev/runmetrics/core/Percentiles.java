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
        // The tolerance absorbs binary rounding (99.9% of 1000 computes as 999.0000000000001,
        // which must be rank 999, not 1000); real ranks are whole numbers, far from it.
        long rank = (long) Math.ceil(percentile / 100.0 * n - 1e-9);
        return (int) Math.min(n, Math.max(1, rank)) - 1;
    }
}
