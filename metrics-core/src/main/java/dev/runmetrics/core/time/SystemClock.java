package dev.runmetrics.core.time;

import java.time.Instant;

/** The {@link Clock} backed by the JVM's clocks. Stateless and thread-safe. */
enum SystemClock implements Clock {
    INSTANCE;

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public Instant wallTime() {
        return Instant.now();
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}
