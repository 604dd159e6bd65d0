package dev.runmetrics.core.views.overview;

import java.util.List;
import java.util.Objects;

/**
 * Outcomes over the period. Successful means COMPLETED; failed means FAILED or TIMEOUT;
 * cancelled means CANCELLED; the total counts every ended execution (run attempt). Immutable.
 *
 * @param totalExecutions ended executions
 * @param successfulExecutions completed ones
 * @param failedExecutions failed or timed-out ones
 * @param cancelledExecutions cancelled ones
 * @param successRate percent of the total (0 when none)
 * @param failureRate percent of the total (0 when none)
 * @param cancellationRate percent of the total (0 when none)
 * @param byAgent per node (the overview's "agent" here: the node that executes steps), most
 *     executions first
 * @param byHour per hour of day 0-23 in the configured zone
 * @param vsLastPeriod against the previous period of equal length
 */
public record Performance(long totalExecutions, long successfulExecutions, long failedExecutions,
        long cancelledExecutions, double successRate, double failureRate, double cancellationRate,
        List<AgentPerformance> byAgent, List<HourPerformance> byHour, PeriodComparison vsLastPeriod) {
    /** Copies the lists. */
    public Performance {
        byAgent = List.copyOf(byAgent);
        byHour = List.copyOf(byHour);
        Objects.requireNonNull(vsLastPeriod, "vsLastPeriod");
    }
}
