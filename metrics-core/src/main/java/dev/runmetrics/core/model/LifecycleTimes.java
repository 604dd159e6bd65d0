package dev.runmetrics.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Something with the three lifecycle instants (a {@link Run} or a {@link StepRun}), from which
 * the three durations (queue wait, execution time, end-to-end latency) are derived the same way
 * everywhere (views, rollups, and the exact SQL path).
 *
 * <p>The instants come from the recorder ({@code RunRecorder}), which derives them from one
 * wall-clock anchor plus the monotonic clock, so within one process a difference of two instants
 * is a monotonic duration (never negative, immune to wall-clock steps). All instants are
 * truncated to microseconds, the precision of PostgreSQL's {@code timestamptz}, so a value read
 * back from any store equals the one written.
 */
public interface LifecycleTimes {

    /** When it was first scheduled (retries and resumes keep it); never null. */
    Instant queuedAt();

    /** When it first started executing, or null if it has not. */
    Instant startedAt();

    /** When it reached its current terminal or paused status, or null while it has not. */
    Instant completedAt();

    /** Queue wait: {@code startedAt - queuedAt}, empty until started. */
    default Optional<Duration> queueWait() {
        return between(queuedAt(), startedAt());
    }

    /**
     * Execution time: {@code completedAt - startedAt}, empty until both exist. For a step with
     * retries it includes the failed tries and the backoff between them. A {@link Run} leaves out
     * the time it waited between attempts (see {@link Run#executionTime()}).
     */
    default Optional<Duration> executionTime() {
        return between(startedAt(), completedAt());
    }

    /** End-to-end latency: {@code completedAt - queuedAt}, empty until completed. */
    default Optional<Duration> endToEnd() {
        return between(queuedAt(), completedAt());
    }

    private static Optional<Duration> between(Instant from, Instant to) {
        if (from == null || to == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(from, to);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }
}
