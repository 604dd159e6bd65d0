package dev.runmetrics.core.model;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One change of a run's status as the recorder saw it happen: queued, started, paused, resumed,
 * completed, failed, cancelled, timed out, or interrupted (its process died). The recorder keeps
 * the run's changes, oldest first, in the run attribute {@value Run#STATUS_HISTORY} ({@link
 * Run#statusHistory()}), so that they survive the overwriting of the run's snapshot in every store.
 *
 * <p>Immutable and thread-safe.
 *
 * @param event what happened
 * @param status the run's status after it
 * @param attempt the attempt it belongs to (a resume's is the new attempt)
 * @param at when it happened (the recorder's clock)
 * @param message the error or reason the run carried after it (bounded to {@value #MAX_MESSAGE}
 *     characters), or null
 */
public record RunStatusChange(Event event, RunStatus status, int attempt, Instant at, String message) {

    /** The longest message kept; a longer one is cut (the run's own error message is not). */
    public static final int MAX_MESSAGE = 300;

    /** What happened to the run. */
    public enum Event {
        /** It was queued (attempt 1). */
        QUEUED,
        /** It (or a resumed attempt) started executing. */
        STARTED,
        /** A resume claimed it for a new attempt; it is queued again. */
        RESUMED,
        /** It paused (an operator, or a step waiting for approval). */
        PAUSED,
        /** It completed. */
        COMPLETED,
        /** It failed. */
        FAILED,
        /** It was cancelled. */
        CANCELLED,
        /** It ran out of time. */
        TIMEOUT,
        /** Its process stopped without ending it, and another one marked it failed. */
        INTERRUPTED
    }

    /**
     * @throws NullPointerException if the event, status or instant is null
     * @throws IllegalArgumentException if the attempt is below 1
     */
    public RunStatusChange {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(status, "status");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        Objects.requireNonNull(at, "at");
        if (message != null && message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE - 1) + "…";
        }
    }

    /** Returns the change as a JSON-like map, as it is kept in the run's attributes. */
    public Map<String, Object> toAttribute() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", event.name().toLowerCase(Locale.ROOT));
        m.put("status", status.wireName());
        m.put("attempt", attempt);
        m.put("at", at.toString());
        if (message != null) {
            m.put("message", message);
        }
        return m;
    }

    /**
     * Reads a change written by {@link #toAttribute()}, or returns null if the value is not one
     * (a host's attribute of the same name, or a damaged value): a bad entry is left out of the
     * history rather than failing a read.
     */
    public static RunStatusChange fromAttribute(Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return null;
        }
        try {
            Event event = Event.valueOf(((String) m.get("event")).toUpperCase(Locale.ROOT));
            RunStatus status = RunStatus.parse((String) m.get("status"));
            int attempt = ((Number) m.get("attempt")).intValue();
            Instant at = Instant.parse((String) m.get("at"));
            Object message = m.get("message");
            return new RunStatusChange(event, status, attempt, at, message instanceof String s ? s : null);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException | DateTimeParseException e) {
            return null;
        }
    }
}
