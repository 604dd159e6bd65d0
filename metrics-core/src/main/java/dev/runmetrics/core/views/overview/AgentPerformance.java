package dev.runmetrics.core.views.overview;

/**
 * One node's step attempts over the period (the JSON calls the node an agent). A skipped step
 * (its condition was false, or its run went another way) never ran: it is neither a success nor a
 * failure, so it is counted apart in {@code skipped} and left out of {@code executions} and of
 * both rates. Immutable.
 *
 * @param agentId the node name
 * @param agentName the node name
 * @param executions step attempts that ran and ended (completed, failed, timed out or cancelled);
 *     skipped ones are not counted
 * @param successRate percent of {@code executions} completed (0 when none)
 * @param avgRuntime mean execution time in seconds, or null when none started
 * @param errorRate percent of {@code executions} failed or timed out (0 when none)
 * @param failures step attempts that failed or timed out
 * @param skipped step attempts skipped without running
 */
public record AgentPerformance(String agentId, String agentName, long executions, double successRate,
        Double avgRuntime, double errorRate, long failures, long skipped) {
}
