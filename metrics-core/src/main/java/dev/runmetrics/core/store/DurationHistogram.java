package dev.runmetrics.core.store;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * An immutable histogram of durations in <b>microseconds</b>, the mergeable unit of the rollups:
 * an HdrHistogram with 3 significant digits whose range grows as needed (1 µs up to any value).
 *
 * <p>Error bound: every value it reports (percentiles, min, max, mean) is within
 * {@link #RELATIVE_ERROR} (1/1024, under 0.1%) of a recorded value of the same rank, because
 * values that close share a bucket. Percentiles are nearest rank (the highest value
 * equivalent to the sample at rank {@code ceil(p/100 * count)}, {@link DurationStatistics#rank}),
 * the same rank the exact path reports, so the two differ by at most that bound.
 * Merging is exact: {@code a.plus(b)} equals a histogram of all samples of both.
 *
 * <p>Persisted form: {@link #encode()} is HdrHistogram's compressed encoding (portable, readable
 * by any HdrHistogram implementation); {@link #decode} reads it back to an equal histogram.
 *
 * <p>Thread-safe: immutable once built, and safe to read from many threads at once (a store's
 * read cache hands one histogram to concurrent requests): it never calls the HdrHistogram methods
 * that keep iteration or encoding state in the histogram without guarding them. Build one with a
 * {@link Builder}.
 */
public final class DurationHistogram {

    /** Significant decimal digits kept for every value. */
    public static final int SIGNIFICANT_DIGITS = 3;

    /** Largest relative difference between a reported value and a recorded one: 1/1024. */
    public static final double RELATIVE_ERROR = 1.0 / 1024;

    /**
     * Largest value recorded, in microseconds (about 31 years); larger ones are recorded as this,
     * so that one absurd sample cannot grow every merged histogram.
     */
    public static final long MAX_MICROS = 1_000_000_000_000_000L;

    private static final DurationHistogram EMPTY = new Builder().build();

    private final Histogram histogram;

    /**
     * The statistics, computed on first use: the histogram never changes, and a histogram served
     * from a store's read cache is asked for them once per request. A race computes them twice,
     * to the same value.
     */
    private volatile DurationStatistics statistics;

    private DurationHistogram(Histogram histogram) {
        this.histogram = histogram;
    }

    /** The histogram of no samples. */
    public static DurationHistogram empty() {
        return EMPTY;
    }

    /** Returns a new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns how many samples were recorded. */
    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * Returns the value at a percentile, in microseconds, within {@link #RELATIVE_ERROR}.
     *
     * @param percentile from 0 to 100
     * @throws IllegalArgumentException if the percentile is out of range
     * @throws IllegalStateException if the histogram is empty
     */
    public long valueAtPercentileMicros(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be within 0-100, was " + percentile);
        }
        if (count() == 0) {
            throw new IllegalStateException("no samples");
        }
        return valueAtRank(DurationStatistics.rank(percentile / 100, count()));
    }

    /**
     * The value of the sample at a 1-based rank in ascending order, reported as the highest value
     * of its bucket (so within {@link #RELATIVE_ERROR} above the recorded one).
     */
    private long valueAtRank(long rank) {
        long seen = 0;
        for (HistogramIterationValue v : histogram.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            if (seen >= rank) {
                return histogram.highestEquivalentValue(v.getValueIteratedTo());
            }
        }
        return histogram.getMaxValue();
    }

    /**
     * Returns how many samples lie in {@code [fromMicros, toMicros)}, up to the histogram's
     * resolution at the two edges (for the live overview's latency distribution buckets).
     *
     * @throws IllegalArgumentException if the range is negative or reversed
     */
    public long countBetweenMicros(long fromMicros, long toMicros) {
        if (fromMicros < 0 || toMicros < fromMicros) {
            throw new IllegalArgumentException("bad range [" + fromMicros + ", " + toMicros + ")");
        }
        if (count() == 0 || toMicros == fromMicros || fromMicros > histogram.getMaxValue()) {
            return 0;
        }
        long below = toMicros == 0 ? 0 : histogram.getCountBetweenValues(0, toMicros - 1);
        long belowFrom = fromMicros == 0 ? 0 : histogram.getCountBetweenValues(0, fromMicros - 1);
        return Math.max(0, below - belowFrom);
    }

    /**
     * Returns the statistics of the samples in milliseconds ({@code exact == false}); all values
     * null when empty.
     */
    public DurationStatistics statistics() {
        DurationStatistics s = statistics;
        if (s == null) {
            s = computeStatistics();
            statistics = s;
        }
        return s;
    }

    /**
     * Roughly how many bytes this histogram holds on the heap (its counts array and fields), for
     * a cache that bounds its memory.
     */
    public long estimatedFootprintBytes() {
        return histogram.getEstimatedFootprintInBytes();
    }

    private DurationStatistics computeStatistics() {
        long n = count();
        if (n == 0) {
            return DurationStatistics.empty(false);
        }
        double[] fractions = {0.50, 0.75, 0.90, 0.95, 0.99};
        double[] ms = new double[fractions.length];
        int next = 0;
        long seen = 0;
        // The mean is summed here, as Histogram.getMean sums it (the same terms in the same order,
        // so the same double), because getMean walks an iterator the histogram keeps in a field:
        // two threads asking one shared histogram would corrupt each other's sums.
        double total = 0;
        for (HistogramIterationValue v : histogram.recordedValues()) {
            long count = v.getCountAtValueIteratedTo();
            seen += count;
            total += histogram.medianEquivalentValue(v.getValueIteratedTo()) * (double) count;
            while (next < fractions.length && seen >= DurationStatistics.rank(fractions[next], n)) {
                ms[next++] = histogram.highestEquivalentValue(v.getValueIteratedTo()) / 1000.0;
            }
        }
        return new DurationStatistics(n, (total * 1.0) / n / 1000.0, histogram.getMinValue() / 1000.0,
                histogram.getMaxValue() / 1000.0, ms[0], ms[1], ms[2], ms[3], ms[4], false);
    }

    /** Returns a histogram of the samples of both. */
    public DurationHistogram plus(DurationHistogram other) {
        if (other.count() == 0) {
            return this;
        }
        if (count() == 0) {
            return other;
        }
        return builder().add(this).add(other).build();
    }

    /** Returns HdrHistogram's compressed encoding of this histogram. */
    public byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length;
        synchronized (histogram) { // the encoder reuses a buffer the histogram keeps in a field
            length = histogram.encodeIntoCompressedByteBuffer(buffer, java.util.zip.Deflater.DEFAULT_COMPRESSION);
        }
        byte[] out = new byte[length];
        buffer.flip();
        buffer.get(out);
        return out;
    }

    /**
     * Reads a histogram written by {@link #encode()}.
     *
     * @throws NullPointerException if bytes is null
     * @throws IllegalArgumentException if the bytes are not a compressed HdrHistogram
     */
    public static DurationHistogram decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 2);
            if (h.getNumberOfSignificantValueDigits() == SIGNIFICANT_DIGITS) {
                h.setAutoResize(true); // already our shape: no need to copy it into a fresh one
                return new DurationHistogram(h);
            }
            Histogram normalised = newHistogram();
            normalised.add(h);
            return new DurationHistogram(normalised);
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
        }
    }

    private static Histogram newHistogram() {
        Histogram h = new Histogram(SIGNIFICANT_DIGITS);
        h.setAutoResize(true);
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DurationHistogram other && histogram.equals(other.histogram);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count()) * 31 + Long.hashCode(count() == 0 ? 0 : histogram.getMaxValue());
    }

    @Override
    public String toString() {
        return "DurationHistogram" + statistics();
    }

    /**
     * Accumulates samples, then builds an immutable {@link DurationHistogram}. Not thread-safe:
     * one builder per thread (stores accumulate a rollup under their own lock).
     */
    public static final class Builder {
        /** The histogram being filled; null after {@link #build()} until the next write copies it. */
        private Histogram histogram = newHistogram();
        private Histogram built;

        private Builder() {}

        /** Copy-on-write: a build hands its histogram over; only a later write pays for a copy. */
        private Histogram writable() {
            if (histogram == null) {
                histogram = built.copy();
                built = null;
            }
            return histogram;
        }

        /**
         * Records one duration in microseconds; a negative value is recorded as 0 and one above
         * {@link #MAX_MICROS} as {@code MAX_MICROS}.
         *
         * @return this builder
         */
        public Builder recordMicros(long micros) {
            writable().recordValue(Math.min(MAX_MICROS, Math.max(0, micros)));
            return this;
        }

        /**
         * Records {@code count} samples of one duration in microseconds, clamped as
         * {@link #recordMicros(long)}; a count of 0 records nothing.
         *
         * @return this builder
         * @throws IllegalArgumentException if count is negative
         */
        public Builder recordMicros(long micros, long count) {
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative, was " + count);
            }
            if (count > 0) {
                writable().recordValueWithCount(Math.min(MAX_MICROS, Math.max(0, micros)), count);
            }
            return this;
        }

        /**
         * Records one duration, truncated to whole microseconds; a negative one as 0.
         *
         * @return this builder
         */
        public Builder record(Duration duration) {
            Duration d = duration.isNegative() ? Duration.ZERO : duration;
            long micros = d.getSeconds() >= MAX_MICROS / 1_000_000L
                    ? MAX_MICROS : d.getSeconds() * 1_000_000L + d.getNano() / 1000;
            return recordMicros(micros);
        }

        /**
         * Adds every sample of another histogram.
         *
         * @return this builder
         */
        public Builder add(DurationHistogram other) {
            if (other.count() > 0) {
                writable().add(other.histogram);
            }
            return this;
        }

        /**
         * Returns an immutable histogram of the samples so far; the builder stays usable (its next
         * write works on a copy, so the built histogram never changes).
         */
        public DurationHistogram build() {
            if (histogram == null) {
                return new DurationHistogram(built);
            }
            built = histogram;
            histogram = null;
            return new DurationHistogram(built);
        }
    }
}
