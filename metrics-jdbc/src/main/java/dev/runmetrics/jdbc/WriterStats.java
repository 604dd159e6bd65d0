package dev.runmetrics.jdbc;

/**
 * A snapshot of a {@link JdbcRunStore}'s write-behind queue and writer thread, for monitoring
 * (and the live overview's database-load figures). Counters are cumulative since the store was
 * built.
 *
 * @param queueDepth snapshots accepted and not yet committed (waiting, or in the batch being
 *     written)
 * @param queueCapacity the bound on {@code queueDepth}
 * @param accepted snapshots accepted by {@code saveRun}/{@code saveStep} (and found in the spill
 *     journal when the store was built)
 * @param written snapshots committed to the database (applied, or ignored as older)
 * @param batches batches committed
 * @param retries failed batch attempts that were retried (database unreachable, deadlock, ...)
 * @param dropped snapshots refused because the queue (and spill journal, if any) was full (see
 *     {@link QueueFullPolicy}), or left unwritten when {@code close()} gave up without a journal
 * @param failed snapshots the database rejected for good (a bad value; logged), never retried
 * @param lastBatchMillis how long the last committed batch took, from its first attempt to its
 *     commit (includes retries), in milliseconds; 0 before the first
 * @param meanBatchMillis the mean of that over all committed batches; 0 before the first
 * @param maxBatchMillis the largest such time so far; 0 before the first
 * @param lastBatchSize the number of snapshots in the last committed batch
 * @param healthy false while the writer is retrying a batch (the database is failing)
 * @param spilling true while snapshots go to the spill journal rather than the queue (always
 *     false without one)
 * @param spilled snapshots written to the spill journal (appended, or moved there from the queue)
 * @param replayed snapshots committed from the spill journal
 * @param spillBacklog snapshots in the spill journal not yet committed
 * @param spillBytes the spill journal's size now, in bytes (on disk and not yet synced); 0
 *     without one
 * @param spillMaxBytes the bound on {@code spillBytes}; 0 without a journal
 * @param meanBatchDatabaseMillis of {@code meanBatchMillis}, the mean time the writer waited for the
 *     database per committed batch (its round trips and the commit, retries included), in
 *     milliseconds; the rest is the writer's own work. 0 before the first
 */
public record WriterStats(long queueDepth, int queueCapacity, long accepted, long written, long batches,
        long retries, long dropped, long failed, double lastBatchMillis, double meanBatchMillis,
        double maxBatchMillis, int lastBatchSize, boolean healthy, boolean spilling, long spilled, long replayed,
        long spillBacklog, long spillBytes, long spillMaxBytes, double meanBatchDatabaseMillis) {}
