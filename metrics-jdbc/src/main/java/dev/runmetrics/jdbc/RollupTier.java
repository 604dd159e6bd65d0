package dev.runmetrics.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The three rollup tables, finest first: one row per (workspace, dimension, subject, instance) and
 * UTC minute, hour or day. Each coarser row is the merge of the finer rows inside it; the writer
 * keeps all three in the same transaction, so a reader never sees one without the others.
 *
 * <p>A long-range read takes each stretch of its range from the coarsest table that fits it
 * ({@link #plan}): a 30-day range is about 30 day rows, up to 46 hour rows and up to 118 minute rows
 * per subject instead of 43,200 minute rows. Stateless and immutable.
 */
enum RollupTier {
    MINUTE("execution_rollups", Duration.ofMinutes(1)),
    HOUR("execution_rollups_hourly", Duration.ofHours(1)),
    DAY("execution_rollups_daily", Duration.ofDays(1));

    /** The table, without the schema. */
    final String table;
    /** The length of one row's bucket. */
    final Duration length;
    private final long seconds;

    RollupTier(String table, Duration length) {
        this.table = table;
        this.length = length;
        this.seconds = length.getSeconds();
    }

    /** Returns the start of the UTC bucket of this tier holding {@code instant}. */
    Instant floor(Instant instant) {
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), seconds) * seconds);
    }

    /** Returns the first bucket start of this tier at or after {@code instant}. */
    Instant ceil(Instant instant) {
        Instant floor = floor(instant);
        return floor.equals(instant) ? floor : floor.plusSeconds(seconds);
    }

    /** The next finer tier; MINUTE has none. */
    RollupTier finer() {
        return this == DAY ? HOUR : MINUTE;
    }

    /**
     * Whether rows of this tier can answer a query with this bucket length (null: one bucket for
     * the whole range): buckets are epoch-aligned, so a whole number of this tier's length never
     * cuts one of its rows.
     */
    boolean fits(Duration bucket) {
        return bucket == null || bucket.getSeconds() % seconds == 0;
    }

    /** One stretch of a range and the table it is read from. */
    record Part(RollupTier tier, Instant from, Instant to) {}

    /**
     * Splits the minute-aligned range {@code [from, to)} into stretches, each read from the
     * coarsest tier that fits the query's bucket and covers whole rows of it: the whole days inside
     * from day rows, the whole hours at the edges from hour rows, the minutes at the edges from
     * minute rows. Returns the parts in time order, none empty.
     */
    static List<Part> plan(Instant from, Instant to, Duration bucket) {
        RollupTier coarsest = DAY.fits(bucket) ? DAY : HOUR.fits(bucket) ? HOUR : MINUTE;
        List<Part> parts = new ArrayList<>(5);
        split(coarsest, from, to, parts);
        return parts;
    }

    private static void split(RollupTier tier, Instant from, Instant to, List<Part> out) {
        if (!from.isBefore(to)) {
            return;
        }
        if (tier == MINUTE) {
            out.add(new Part(MINUTE, from, to));
            return;
        }
        Instant inFrom = tier.ceil(from);
        Instant inTo = tier.floor(to);
        if (!inFrom.isBefore(inTo)) {
            split(tier.finer(), from, to, out);
            return;
        }
        split(tier.finer(), from, inFrom, out);
        out.add(new Part(tier, inFrom, inTo));
        split(tier.finer(), inTo, to, out);
    }
}
