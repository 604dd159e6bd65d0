package dev.runmetrics.core.store;

/** The three durations of a run or step that seed 001 splits latency into. */
public enum DurationKind {
    /** From queued to started. */
    QUEUE_WAIT,
    /** From started to completed (seed 000's execution time). */
    EXECUTION_TIME,
    /** From queued to completed. */
    END_TO_END
}
