package dev.runmetrics.core.store;

/** How a request to resume a run from a step ended, as recorded in the audit log. */
public enum ResumeOutcome {
    /** The resume won its claim; a new attempt was started. */
    ACCEPTED,
    /** Refused by a rule: unknown run or step, step not failed or paused, run not resumable. */
    REFUSED,
    /** Another resume of the same run won, or the run changed under the request. */
    CONFLICT
}
