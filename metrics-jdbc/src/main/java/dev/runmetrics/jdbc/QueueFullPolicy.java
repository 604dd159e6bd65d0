package dev.runmetrics.jdbc;

/**
 * What {@link JdbcRunStore#saveRun} and {@link JdbcRunStore#saveStep} do when the write queue is
 * full (the database has been slower than the workflows, or down, for long enough to fill it) and
 * there is no spill journal to take the snapshot, or that is full too.
 */
public enum QueueFullPolicy {
    /**
     * Wait up to the configured timeout for room, but only while the database answers (the writer
     * is draining) and there is no spill journal; if there is still none, count the write as
     * dropped and throw {@link dev.runmetrics.core.store.RunStoreException}, so the caller knows
     * (a {@code RunRecorder} logs and counts it, and the workflow goes on). The default.
     */
    BLOCK,
    /** Drop the write at once, count it in {@link WriterStats#dropped()}, and return normally. */
    DROP
}
