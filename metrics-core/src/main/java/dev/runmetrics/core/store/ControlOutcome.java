package dev.runmetrics.core.store;

/**
 * How a control request (resume, pause, cancel) ended, as recorded in the control audit log and
 * counted by the HTTP adapter. A closed set: every request ends in exactly one of these.
 */
public enum ControlOutcome {
    /** Done: the resume won its claim, or the run is pausing or cancelling. */
    ACCEPTED,
    /**
     * Refused by a rule: the step is not failed or paused, the run is not resumable, is still
     * active (for a resume) or is not running (for a pause or cancel), its workflow is unknown.
     */
    REFUSED,
    /** Another resume of the same run won the claim, or the run changed under the request. */
    CONFLICT,
    /**
     * The step is not in the run's workflow. (A run that is not in the workspace is answered
     * "not found" too, but such a request is never written to the workspace's log.)
     */
    NOT_FOUND,
    /** The request itself was malformed: its body, a field or the input overrides. */
    INVALID,
    /** The caller's token may not act (a viewer's token). */
    FORBIDDEN,
    /** The request had no token, or a token that is not valid. */
    UNAUTHENTICATED,
    /** The store could not be read or written; nothing was done. */
    UNAVAILABLE,
    /** The orchestrator failed unexpectedly while acting; whether it acted is unknown. */
    ERROR;

    /** Returns the outcome as the legacy resume audit log knows it: anything not accepted or conflicting was refused. */
    public ResumeOutcome asResumeOutcome() {
        return switch (this) {
            case ACCEPTED -> ResumeOutcome.ACCEPTED;
            case CONFLICT -> ResumeOutcome.CONFLICT;
            default -> ResumeOutcome.REFUSED;
        };
    }

    /** Returns the control outcome of a legacy resume outcome. */
    public static ControlOutcome of(ResumeOutcome outcome) {
        return switch (outcome) {
            case ACCEPTED -> ACCEPTED;
            case CONFLICT -> CONFLICT;
            case REFUSED -> REFUSED;
        };
    }
}
