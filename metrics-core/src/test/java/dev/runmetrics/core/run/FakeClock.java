package dev.runmetrics.core.run;

import dev.runmetrics.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand: both readings advance together unless the wall clock is stepped. */
final class FakeClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private volatile Instant wall;

    FakeClock(Instant start) {
        this.wall = start;
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        wall = wall.plus(d);
    }

    /** Steps only the wall clock, as NTP or an operator might. */
    void stepWall(Duration d) {
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
