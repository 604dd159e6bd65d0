package dev.runmetrics.core.flow;

import java.util.Objects;

/**
 * Returned by a step's work to pause its run, for example to wait for an approval: the step ends
 * {@code PAUSED} (nothing is checkpointed), the steps downstream of it wait, other branches finish,
 * and then the run is {@code PAUSED}. A resume from the step runs it again, typically
 * with an input override that says it was approved.
 *
 * <pre>{@code
 * StepDefinition approve = StepDefinition.builder("approve", in ->
 *         Boolean.TRUE.equals(in.value("approved")) ? Map.of("approved", true)
 *                 : PauseRequest.of("waiting for approval")).build();
 * }</pre>
 *
 * <p>It is returned rather than thrown so that the node's retry policy never retries it and its
 * metrics count it as a successful call. Immutable and thread-safe.
 */
public final class PauseRequest {
    private final String reason;

    private PauseRequest(String reason) {
        this.reason = reason;
    }

    /**
     * Returns a request to pause, with the reason shown to people.
     *
     * @param reason why the step pauses
     * @return the request
     * @throws NullPointerException if reason is null
     */
    public static PauseRequest of(String reason) {
        return new PauseRequest(Objects.requireNonNull(reason, "reason"));
    }

    /** Returns why the step pauses. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "PauseRequest[" + reason + "]";
    }
}
