package dev.runmetrics.core.views.overview;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How far back the live overview looks, and how finely its timeline (trend, bursts, anomalies) is
 * bucketed; on the wire {@code "1h"}, {@code "24h"}, {@code "7d"} or {@code "30d"}.
 *
 * <p>Bucket sizes keep every timeline between 60 and 168 points, so the σ-based pattern rules have
 * enough buckets to judge by, and the rollup query stays small:
 * 1h → 1-minute buckets (60), 24h → 15 minutes (96), 7d → 1 hour (168), 30d → 6 hours (120).
 *
 * <p>Immutable and thread-safe.
 */
public enum Timeframe {
    /** The last hour: {@code "1h"}. */
    LAST_HOUR("1h", Duration.ofHours(1), Duration.ofMinutes(1)),
    /** The last 24 hours: {@code "24h"}. */
    LAST_24_HOURS("24h", Duration.ofHours(24), Duration.ofMinutes(15)),
    /** The last 7 days: {@code "7d"}. */
    LAST_7_DAYS("7d", Duration.ofDays(7), Duration.ofHours(1)),
    /** The last 30 days: {@code "30d"}. */
    LAST_30_DAYS("30d", Duration.ofDays(30), Duration.ofHours(6));

    private final String wireName;
    private final Duration length;
    private final Duration bucket;

    Timeframe(String wireName, Duration length, Duration bucket) {
        this.wireName = wireName;
        this.length = length;
        this.bucket = bucket;
    }

    /** Returns the name on the wire: {@code "1h"}, {@code "24h"}, {@code "7d"} or {@code "30d"}. */
    public String wireName() {
        return wireName;
    }

    /** Returns how long the period is. */
    public Duration length() {
        return length;
    }

    /** Returns the length of one timeline bucket (a whole number of minutes dividing a day). */
    public Duration bucket() {
        return bucket;
    }

    /**
     * Parses a name on the wire, ignoring case and surrounding blanks.
     *
     * @throws NullPointerException if text is null
     * @throws IllegalArgumentException naming the value if it is not one of 1h, 24h, 7d, 30d
     */
    public static Timeframe parse(String text) {
        String t = Objects.requireNonNull(text, "timeframe").strip().toLowerCase(Locale.ROOT);
        for (Timeframe tf : values()) {
            if (tf.wireName.equals(t)) {
                return tf;
            }
        }
        throw new IllegalArgumentException("timeframe must be one of 1h, 24h, 7d, 30d, was '" + text + "'");
    }
}
