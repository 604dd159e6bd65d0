/**
 * Statistics value types and the mergeable rollups they come from.
 *
 * <p>Units: histograms and rollups hold microseconds ({@link dev.runmetrics.core.stats.DurationHistogram});
 * {@link dev.runmetrics.core.stats.DurationStatistics} and seed 000's
 * {@link dev.runmetrics.core.stats.ExecutionTimeStatistics} are in milliseconds; seed 003's
 * {@link dev.runmetrics.core.stats.WorkflowMetricsSummary} is in seconds, as the seeds name them.
 * Statistics of no samples are null, never 0.
 *
 * <p>Still to come here (named so the views agree on them): {@code WorkflowExecutionTimeline} and
 * {@code WorkflowStepTimelineEntry} (seed 003 timeline), {@code ExecutionDetail} and the execution
 * list page (seed 003), and {@code ExecutionMetrics} with its sections (seed 001), each computed by
 * a view in core from the {@link dev.runmetrics.core.run.RunStore} primitives.
 */
package dev.runmetrics.core.stats;
