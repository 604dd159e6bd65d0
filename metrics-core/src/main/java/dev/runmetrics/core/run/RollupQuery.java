package dev.runmetrics.core.run;

import dev.runmetrics.core.internal.Checks;
import dev.runmetrics.core.stats.Rollup;
import dev.runmetrics.core.stats.RollupDimension;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

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
 * @param dimension which rollups
 * @param subject only this workflow, node or model, or null for all
 * @param groupBySubject true to keep one rollup per subject per bucket, false to merge subjects
 *     (results then have a null subject unless {@code subject} is set)
 * @param from the first instant of the range (inclusive)
 * @param to the end of the range (exclusive)
 * @param bucket the bucket length, a whole number of minutes, or null for the whole range
 */
public record RollupQuery(RollupDimension dimension, String subject, boolean groupBySubject, Instant from,
        Instant to, Duration bucket) {

    /**
     * @throws NullPointerException if dimension, from or to is null
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
        if (bucket != null && (bucket.isNegative() || bucket.isZero()
                || bucket.toNanos() % Rollup.MINUTE.toNanos() != 0)) {
            throw new IllegalArgumentException("bucket must be a positive whole number of minutes, was " + bucket);
        }
    }

    /** The whole range as one bucket, subjects merged (or one subject): a statistics query. */
    public static RollupQuery total(RollupDimension dimension, String subject, Instant from, Instant to) {
        return new RollupQuery(dimension, subject, false, from, to, null);
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
