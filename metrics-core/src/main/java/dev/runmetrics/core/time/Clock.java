package dev.runmetrics.core.time;

import java.time.Instant;

/**
 * The source of time for everything in runmetrics: a monotonic clock for durations and a wall
 * clock for timestamps.
 *
 * <p>Durations are always measured with {@link #monotonicNanos()} so that a wall-clock step (NTP,
 * a manual change) never produces a negative or inflated duration. Timestamps, rollup minutes and
 * anything a person reads use {@link #wallTime()}, in UTC.
 *
 * <p>Tests inject their own implementation and move time explicitly instead of sleeping.
 * Implementations must be safe to call from any thread.
 */
public interface Clock {

    /**
     * Returns a monotonic reading in nanoseconds, meaningful only as a difference between two
     * readings of the same clock (like {@link System#nanoTime()}).
     *
     * @return the current monotonic reading
     */
    long monotonicNanos();

    /**
     * Returns the current wall-clock instant (UTC).
     *
     * @return the current instant
     */
    Instant wallTime();

    /**
     * Returns the system clock: {@link System#nanoTime()} and {@link Instant#now()}.
     *
     * @return the shared system clock
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
