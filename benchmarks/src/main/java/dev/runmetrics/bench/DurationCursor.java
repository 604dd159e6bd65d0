package dev.runmetrics.bench;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * One benchmark thread's position in the {@link Durations} table, advanced by one on every
 * operation so that each op records the next duration.
 *
 * <p>Per thread ({@link Scope#Thread}) on purpose: a shared cursor would itself be a contended
 * write that every library pays for, and would blur the 2-thread comparison. Threads start at
 * different offsets so two threads do not record the same values in lockstep. Not thread-safe, and
 * never shared.
 */
@State(Scope.Thread)
public class DurationCursor {
    private int index;

    @Setup
    public void start(ThreadParams thread) {
        index = thread.getThreadIndex() * (Durations.SIZE / 4 + 17);
    }

    /** @return the next duration, in milliseconds */
    public double nextMillis() {
        return Durations.millis(index++);
    }

    /** @return the next duration, in nanoseconds */
    public long nextNanos() {
        return Durations.nanos(index++);
    }
}
