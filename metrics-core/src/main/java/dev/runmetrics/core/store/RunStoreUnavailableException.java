package dev.runmetrics.core.store;

import java.time.Duration;
import java.util.Objects;

/**
 * A {@link RunStoreException} saying that the store cannot serve the call <em>now</em> but
 * expects to again: its database is down, hung or restarting, or the call ran out of its time
 * bound. Nothing was read; whether a write happened is unknown (writes are idempotent, so the
 * caller may simply retry). Callers that answer people say "try again later" instead of failing
 * hard: the HTTP adapter answers 503 with {@code Retry-After}, the {@code WorkflowRunner} defers
 * a step's checkpoint instead of failing the step.
 *
 * <p>A store that knows it is unavailable throws it at once, without waiting on its storage, so
 * that a caller is never held by an outage; {@link RunStore#health()} tells the same without a call.
 */
public class RunStoreUnavailableException extends RunStoreException {

    private static final long serialVersionUID = 1L;

    /** The retry hint when the store has none better: one second. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final Duration retryAfter;

    /**
     * @param message what the store was doing, and why it could not
     * @param retryAfter when trying again is worth it (a hint), positive
     * @param cause the underlying error, or null
     * @throws NullPointerException if message or retryAfter is null
     * @throws IllegalArgumentException if retryAfter is zero or negative
     */
    public RunStoreUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retryAfter must be positive, was " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** Returns how long the caller should wait before trying again (a hint, at least 1 ns). */
    public Duration retryAfter() {
        return retryAfter;
    }
}
