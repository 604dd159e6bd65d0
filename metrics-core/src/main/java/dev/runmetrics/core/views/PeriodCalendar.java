package dev.runmetrics.core.views;

import dev.runmetrics.core.store.Rollup;
import dev.runmetrics.core.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Objects;

/**
 * The time arithmetic the views share: what "now" is (by the configured clock), rollup minutes,
 * floors to a bucket, range checks, and the configured zone's local hours — which bucket length
 * keeps every bucket inside one local hour, and how much of a period each hour of day, the
 * weekdays and the weekends cover. Rollup minutes and timeline buckets are UTC; hours of day and
 * weekdays are in the zone.
 *
 * <p>Immutable and thread-safe.
 */
final class PeriodCalendar {
    private final Clock clock;
    private final ZoneId zone;

    /**
     * How much of a period the local hours cover.
     *
     * @param hoursOfDay which hours of day (0-23) the period touches
     * @param weekdaySeconds the period's seconds on Monday to Friday
     * @param weekendSeconds the period's seconds on Saturday and Sunday
     */
    record Coverage(boolean[] hoursOfDay, double weekdaySeconds, double weekendSeconds) {
    }

    PeriodCalendar(Clock clock, ZoneId zone) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    ZoneId zone() {
        return zone;
    }

    /** The clock's wall time. */
    Instant now() {
        return clock.wallTime();
    }

    /** The end of the rollup minute holding now: the exclusive end of "all time so far". */
    Instant endOfCurrentMinute() {
        return endOfMinute(now());
    }

    /** The end of the UTC minute holding {@code t}. */
    static Instant endOfMinute(Instant t) {
        return t.truncatedTo(ChronoUnit.MINUTES).plus(Rollup.MINUTE);
    }

    /** The start of the UTC minute holding {@code t}. */
    static Instant floorToMinute(Instant t) {
        return t.truncatedTo(ChronoUnit.MINUTES);
    }

    /** {@code t} if it starts a UTC minute, else the start of the next one. */
    static Instant ceilToMinute(Instant t) {
        Instant floor = floorToMinute(t);
        return floor.equals(t) ? t : floor.plus(Rollup.MINUTE);
    }

    /** {@code t} floored to a multiple of {@code size} (whole seconds) since the epoch. */
    static Instant floor(Instant t, Duration size) {
        long s = size.getSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), s) * s);
    }

    /**
     * The longest bucket (at most an hour, at least 15 minutes) such that every bucket of
     * [from, to) falls within one local hour of the zone: an hour when the zone's offsets are whole
     * hours, else 30 or 15 minutes.
     */
    Duration hourBucket(Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        int gcd = gcd(3600, rules.getOffset(from));
        for (ZoneOffsetTransition t = rules.nextTransition(from); t != null && t.getInstant().isBefore(to);
                t = rules.nextTransition(t.getInstant())) {
            gcd = gcd(gcd, t.getOffsetAfter());
        }
        return gcd % 60 == 0 && gcd >= 900 ? Duration.ofSeconds(gcd) : Duration.ofMinutes(15);
    }

    /** The longest bucket that falls within one timeline bucket and one local hour over [from, to). */
    Duration fineBucket(Duration timelineBucket, Instant from, Instant to) {
        return Duration.ofSeconds(gcd(timelineBucket.toSeconds(), hourBucket(from, to).toSeconds()));
    }

    /** Which local hours of day [from, to) touches, and its seconds on weekdays and on weekends. */
    Coverage coverage(Instant from, Instant to) {
        boolean[] hours = new boolean[24];
        double weekdaySeconds = 0;
        double weekendSeconds = 0;
        for (ZonedDateTime h = from.atZone(zone).truncatedTo(ChronoUnit.HOURS); h.toInstant().isBefore(to);
                h = h.plusHours(1)) {
            Instant start = max(h.toInstant(), from);
            Instant end = min(h.plusHours(1).toInstant(), to);
            if (!end.isAfter(start)) {
                continue;
            }
            hours[h.getHour()] = true;
            double seconds = Duration.between(start, end).toNanos() / 1e9;
            if (isWeekend(h.getDayOfWeek())) {
                weekendSeconds += seconds;
            } else {
                weekdaySeconds += seconds;
            }
        }
        return new Coverage(hours, weekdaySeconds, weekendSeconds);
    }

    static boolean isWeekend(DayOfWeek day) {
        return day == DayOfWeek.SATURDAY || day == DayOfWeek.SUNDAY;
    }

    /** Seconds from {@code from} to {@code to}, 0 when {@code to} is earlier. */
    static double nonNegativeSeconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1e9);
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /**
     * Checks a range [from, to).
     *
     * @throws NullPointerException if an end is null
     * @throws IllegalArgumentException if {@code to} is before {@code from}
     */
    static void requireRange(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
    }

    private static int gcd(int a, ZoneOffset offset) {
        return (int) gcd(a, Math.abs(offset.getTotalSeconds()) % 3600);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return "PeriodCalendar{zone=" + zone + "}";
    }
}
