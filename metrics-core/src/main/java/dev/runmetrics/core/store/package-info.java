/**
 * The storage SPI: {@link dev.runmetrics.core.store.RunStore} and every type it takes or returns
 * — queries ({@link dev.runmetrics.core.store.RunQuery},
 * {@link dev.runmetrics.core.store.DurationQuery}, {@link dev.runmetrics.core.store.RollupQuery}),
 * pages, per-minute rollups with their duration histograms and statistics, step checkpoints,
 * resume claims and the control audit log (resume, pause and cancel requests). Beside it, its own
 * small SPI: {@link dev.runmetrics.core.store.ResourceSampleStore} keeps per-minute
 * {@link dev.runmetrics.core.store.ResourceSample}s of each instance, and
 * {@link dev.runmetrics.core.store.DatabaseActivity} is what a store measures of its own database work.
 *
 * <p>A store persists run and step snapshots and answers a few primitive queries; the views
 * (execution-time statistics, run list, detail and timeline, the live overview) are computed from
 * those in core, once for every store. Implementations: {@code InMemoryRunStore} in
 * {@code dev.runmetrics.core.store.memory}, and {@code JdbcRunStore} in metrics-jdbc (PostgreSQL);
 * both pass the same contract tests.
 *
 * <p>Conventions, on top of the run model's (ids, microsecond UTC instants, JSON-like values):
 * <ul>
 *   <li>Every call names its workspace first, and nothing crosses workspaces: another
 *       workspace's record reads as absent, and a write naming another workspace is refused.
 *   <li>Writes are idempotent upserts where the newer snapshot wins ({@code Run.isNewerThan}), so
 *       replays and stale writers are harmless; rollups count a run attempt or step run once.
 *   <li>Rollups are one UTC minute per row, per writing instance, merged at query time; their
 *       histograms hold microseconds with a bounded relative error
 *       ({@link dev.runmetrics.core.store.DurationHistogram#RELATIVE_ERROR}).
 *   <li>The value types here are immutable and thread-safe; stores are thread-safe.
 * </ul>
 */
package dev.runmetrics.core.store;
