package dev.runmetrics.http;

import dev.runmetrics.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told: wall time is the start plus the monotonic reading. */
final class ManualClock implements Clock {

    private final Instant start;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    ManualClock(Instant start) {
        this.start = start;
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long monotonicNanos() {
        return nanos.get();
    }

    @Override
    public Instant wallTime() {
        return start.plusNanos(nanos.get() - 1_000_000_000L);
    }
}
