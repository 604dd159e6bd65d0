package dev.runmetrics.core.flow;

import dev.runmetrics.core.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand; wall and monotonic readings advance together. Thread-safe. */
final class FakeClock implements Clock {
    private static final Instant ORIGIN = Instant.parse("2026-05-04T12:00:00Z");
    private final AtomicLong nanos = new AtomicLong();

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Override
    public long monotonicNanos() {
        return nanos.get();
    }

    @Override
    public Instant wallTime() {
        return ORIGIN.plusNanos(nanos.get());
    }
}
