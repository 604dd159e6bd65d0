package dev.runmetrics.core.views;

import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.RunStatusChange;
import java.time.Instant;
import java.util.Objects;

/**
 * One change of a run's status in its {@link RunDetail} ({@code status_history} on the wire), with
 * the operator who asked for it where the control audit names one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param event what happened (queued, started, resumed, paused, completed, failed, cancelled,
 *     timeout, interrupted)
 * @param status the run's status after it
 * @param attempt the attempt it belongs to (a resume's is the new attempt)
 * @param at when it happened
 * @param actor who asked for it: the subject of the accepted resume, pause or cancel request of the
 *     control audit it answers; null when no request did (the orchestrator's own doing, such as a
 *     step's failure, or an action taken without the HTTP adapter)
 * @param message the run's error or reason after it (bounded), or null
 * @param recorded true when the recorder kept the change as it happened; false when it was
 *     reconstructed from the run's snapshot (a run recorded before changes were kept)
 */
public record StatusHistoryEntry(RunStatusChange.Event event, RunStatus status, int attempt, Instant at,
        String actor, String message, boolean recorded) {

    /** @throws NullPointerException if the event, status or instant is null */
    public StatusHistoryEntry {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
    }
}
