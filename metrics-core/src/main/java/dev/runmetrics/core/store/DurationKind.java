package dev.runmetrics.core.store;

/** The three durations a run's or a step's latency splits into. */
public enum DurationKind {
    /** From queued to started. */
    QUEUE_WAIT,
    /** From started to completed (what the execution-time statistics are about). */
    EXECUTION_TIME,
    /** From queued to completed. */
    END_TO_END
}
