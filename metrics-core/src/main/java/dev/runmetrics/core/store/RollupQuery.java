package dev.runmetrics.core.store;

import dev.runmetrics.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link RunStore#rollups} returns: the stored one-minute rollups of one dimension whose
 * minute starts in {@code [from, to)}, merged across instances into buckets.
 *
 * <p>Buckets: with a {@code bucket} length, bucket {@code k} starts at the UTC epoch plus
 * {@code k * bucket} (so hour buckets are UTC hours) and holds the minutes inside it; with a null
 * {@code bucket}, one bucket starting at {@code from} and as long as the range (rounded up to a
 * minute) holds them all. Buckets with no data are left out. Results are ordered by bucket start,
 * then subject.
 *
 * <p>Histograms: a caller that needs only some of the three duration histograms names them in
 * {@code histograms}; a store may then leave the others empty (counts, tokens and cost are always
 * filled). Decoding histograms is most of the cost of a long-range query, so the execution-time
 * statistics, which need only execution time, ask for just that.
 *
 * @param dimension which rollups
 * @param subject only this workflow, node or model, or null for all
 * @param groupBySubject true to keep one rollup per subject per bucket, false to merge subjects
 *     (results then have a null subject unless {@code subject} is set)
 * @param from the first instant of the range (inclusive)
 * @param to the end of the range (exclusive)
 * @param bucket the bucket length, a whole number of minutes, or null for the whole range
 * @param histograms the duration kinds whose histograms the caller reads (unmodifiable; may be
 *     empty: counts only)
 */
public record RollupQuery(RollupDimension dimension, String subject, boolean groupBySubject, Instant from,
        Instant to, Duration bucket, Set<DurationKind> histograms) {

    private static final Set<DurationKind> ALL = Collections.unmodifiableSet(EnumSet.allOf(DurationKind.class));

    /** A query that reads all three histograms. */
    public RollupQuery(RollupDimension dimension, String subject, boolean groupBySubject, Instant from, Instant to,
            Duration bucket) {
        this(dimension, subject, groupBySubject, from, to, bucket, ALL);
    }

    /**
     * @throws NullPointerException if dimension, from, to or histograms (or one of its elements) is null
     * @throws IllegalArgumentException if the range is empty or reversed, or the bucket is not a
     *     positive whole number of minutes
     */
    public RollupQuery {
        Objects.requireNonNull(dimension, "dimension");
        Checks.optionalId("subject", subject);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to " + to + " must be after from " + from);
        }
        if (bucket != null && (bucket.isNegative() || bucket.isZero() || bucket.getNano() != 0
                || bucket.getSeconds() % 60 != 0)) {
            throw new IllegalArgumentException("bucket must be a positive whole number of minutes, was " + bucket);
        }
        Objects.requireNonNull(histograms, "histograms");
        EnumSet<DurationKind> kinds = EnumSet.noneOf(DurationKind.class);
        for (DurationKind kind : histograms) {
            kinds.add(Objects.requireNonNull(kind, "histograms element"));
        }
        histograms = kinds.size() == ALL.size() ? ALL : Collections.unmodifiableSet(kinds);
    }

    /** The whole range as one bucket, subjects merged (or one subject): a statistics query. */
    public static RollupQuery total(RollupDimension dimension, String subject, Instant from, Instant to) {
        return new RollupQuery(dimension, subject, false, from, to, null);
    }

    /** This query, reading only the histograms of these kinds (others may come back empty). */
    public RollupQuery withHistograms(DurationKind... kinds) {
        return new RollupQuery(dimension, subject, groupBySubject, from, to, bucket,
                new HashSet<>(Arrays.asList(kinds)));
    }

    /** Whether the caller reads the histogram of this kind. */
    public boolean wants(DurationKind kind) {
        return histograms.contains(kind);
    }

    /** Returns the start of the bucket holding the stored minute {@code minute}. */
    public Instant bucketStartOf(Instant minute) {
        if (bucket == null) {
            return from;
        }
        long size = bucket.getSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(minute.getEpochSecond(), size) * size);
    }

    /** Returns the length of every bucket of this query. */
    public Duration bucketLength() {
        if (bucket != null) {
            return bucket;
        }
        long minutes = Duration.between(from, to).toMinutes();
        boolean exact = Duration.ofMinutes(minutes).equals(Duration.between(from, to));
        return Duration.ofMinutes(exact ? minutes : minutes + 1);
    }
}
