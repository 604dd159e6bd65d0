package dev.runmetrics.core.views;

import dev.runmetrics.core.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clock the test sets by hand; views only read its wall time. */
final class SettableClock implements Clock {
    private volatile Instant now;

    SettableClock(Instant now) {
        this.now = now;
    }

    void set(Instant instant) {
        now = instant;
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public long monotonicNanos() {
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public Instant wallTime() {
        return now;
    }
}
