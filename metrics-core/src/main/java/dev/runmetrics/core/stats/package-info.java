/**
 * Statistics value types and the mergeable rollups they come from.
 *
 * <p>Units: histograms and rollups hold microseconds ({@link dev.runmetrics.core.stats.DurationHistogram});
 * {@link dev.runmetrics.core.stats.DurationStatistics} and seed 000's
 * {@link dev.runmetrics.core.stats.ExecutionTimeStatistics} are in milliseconds; seed 003's
 * {@link dev.runmetrics.core.stats.WorkflowMetricsSummary} is in seconds, as the seeds name them.
 * Statistics of no samples are null, never 0.
 *
 * <p>The seed views are computed once, here, by {@link dev.runmetrics.core.stats.RunViews} from the
 * {@link dev.runmetrics.core.run.RunStore} primitives: seed 000's
 * {@link dev.runmetrics.core.stats.ExecutionTimeStatistics}; seed 003's
 * {@link dev.runmetrics.core.stats.WorkflowMetricsSummary}, execution list
 * ({@link dev.runmetrics.core.stats.Execution}), {@link dev.runmetrics.core.stats.ExecutionDetail} and
 * {@link dev.runmetrics.core.stats.WorkflowExecutionTimeline}; and seed 001's
 * {@link dev.runmetrics.core.stats.ExecutionMetrics} over a {@link dev.runmetrics.core.stats.Timeframe},
 * with host resource samples from a {@link dev.runmetrics.core.stats.ResourceSampler}. Their records
 * have the seeds' field names in camelCase; the HTTP adapter writes them in the seeds' case.
 */
package dev.runmetrics.core.stats;
