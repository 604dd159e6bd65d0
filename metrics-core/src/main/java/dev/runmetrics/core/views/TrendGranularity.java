package dev.runmetrics.core.views;

import java.time.Duration;
import java.time.Instant;

/**
 * The bucket of a {@link DurationTrend}: a UTC hour or a UTC day, so that every bucket is a whole
 * row of the hourly or daily rollups. In JSON, {@code "hour"} or {@code "day"}. Immutable.
 */
public enum TrendGranularity {
    /** One bucket per UTC hour. */
    HOUR(Duration.ofHours(1)),
    /** One bucket per UTC day. */
    DAY(Duration.ofDays(1));

    /** Ranges up to this long get hourly buckets when none is asked for; longer ones daily. */
    public static final Duration HOURLY_UP_TO = Duration.ofDays(3);

    private final Duration length;

    TrendGranularity(Duration length) {
        this.length = length;
    }

    /** The length of one bucket. */
    public Duration length() {
        return length;
    }

    /**
     * The granularity a range gets when none is asked for: hourly up to {@link #HOURLY_UP_TO}
     * (at most 73 buckets), daily beyond.
     */
    public static TrendGranularity forRange(Instant from, Instant to) {
        return Duration.between(from, to).compareTo(HOURLY_UP_TO) <= 0 ? HOUR : DAY;
    }

    /** The start of the bucket holding {@code t}. */
    public Instant floor(Instant t) {
        long s = length.getSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), s) * s);
    }

    /**
     * How many buckets cover {@code [from, to)}: from the one holding {@code from} to the one
     * holding the last instant before {@code to}; 0 for an empty range.
     */
    public long bucketsIn(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return 0;
        }
        long s = length.getSeconds();
        return (floor(to.minusNanos(1)).getEpochSecond() - floor(from).getEpochSecond()) / s + 1;
    }

    /** The wire name: {@code hour} or {@code day}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a wire name.
     *
     * @throws IllegalArgumentException if it is neither {@code hour} nor {@code day}
     */
    public static TrendGranularity parse(String name) {
        for (TrendGranularity g : values()) {
            if (g.wireName().equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown granularity '" + name + "'; expected hour or day");
    }
}
