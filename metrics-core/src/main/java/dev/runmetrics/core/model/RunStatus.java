package dev.runmetrics.core.model;

import java.util.Locale;

/**
 * The status of a run or of a step run (the API's statuses plus paused and skipped).
 *
 * <p>Terminal statuses end an attempt: {@link #COMPLETED}, {@link #FAILED}, {@link #CANCELLED},
 * {@link #TIMEOUT} and {@link #SKIPPED}. {@link #PAUSED} is not terminal: the run waits for an
 * operator (or a resume). A failed or paused run may still get a new attempt by resume.
 */
public enum RunStatus {
    /** Waiting for a worker. The API also calls it {@code pending}; {@link #parse} accepts both. */
    QUEUED,
    /** Executing. */
    RUNNING,
    /** Finished successfully. */
    COMPLETED,
    /** Finished with an error. */
    FAILED,
    /** Stopped by a person or by the orchestrator before finishing. */
    CANCELLED,
    /** Stopped because it ran out of time. */
    TIMEOUT,
    /** Waiting for a person (approval) or stopped by an operator, resumable. */
    PAUSED,
    /** Not executed because a condition excluded it (steps only, in practice). */
    SKIPPED;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** Returns whether this status ends an attempt. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED || this == TIMEOUT || this == SKIPPED;
    }

    /** Returns the lowercase name used in JSON and in the database ({@code "queued"}, ...). */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a status name, ignoring case and surrounding blanks; {@code "pending"} means
     * {@link #QUEUED}.
     *
     * @throws NullPointerException if text is null
     * @throws IllegalArgumentException naming the value if it is not a status
     */
    public static RunStatus parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("pending")) {
            return QUEUED;
        }
        for (RunStatus s : values()) {
            if (s.wireName.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown status '" + text + "'; expected one of pending, queued, running, "
                + "completed, failed, cancelled, timeout, paused, skipped");
    }
}
