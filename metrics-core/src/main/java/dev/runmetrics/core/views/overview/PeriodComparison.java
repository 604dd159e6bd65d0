package dev.runmetrics.core.views.overview;

/**
 * The period against the previous one of equal length; a component is null when either period
 * has nothing to compare. Immutable.
 *
 * @param executionsChange percent change of executions per minute (rates, so the current, still
 *     running period compares fairly)
 * @param successRateChange difference of success rates, in percentage points
 * @param latencyChange percent change of the mean execution latency
 */
public record PeriodComparison(Double executionsChange, Double successRateChange, Double latencyChange) {
}
