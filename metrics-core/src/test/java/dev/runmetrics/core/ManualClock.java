package dev.runmetrics.core;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. Thread-safe. */
final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Instant origin = Instant.parse("2026-01-15T10:00:00Z");

    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    @Override
    public long monotonicNanos() {
        return nanos.get();
    }

    @Override
    public Instant wallTime() {
        return origin.plusNanos(nanos.get());
    }
}
