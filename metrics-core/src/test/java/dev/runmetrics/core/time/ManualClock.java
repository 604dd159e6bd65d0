package dev.runmetrics.core.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when a test says so: {@link #advance} moves both readings together,
 * {@link #stepWall} only the wall clock (as NTP or an operator might). Shared with the other
 * modules' tests through the test-jar. Thread-safe.
 */
public final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private volatile Instant wall;

    /** Starts at 2026-01-15T10:00:00Z. */
    public ManualClock() {
        this(Instant.parse("2026-01-15T10:00:00Z"));
    }

    /** Starts at {@code start}. */
    public ManualClock(Instant start) {
        this.wall = start;
    }

    /** Moves both the monotonic and the wall reading forward by {@code d}. */
    public synchronized void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        wall = wall.plus(d);
    }

    /** Moves only the wall clock, by {@code d} (may be negative). */
    public synchronized void stepWall(Duration d) {
        wall = wall.plus(d);
    }

    @Override
    public long monotonicNanos() {
        return nanos.get();
    }

    @Override
    public Instant wallTime() {
        return wall;
    }
}
