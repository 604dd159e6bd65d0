package dev.runmetrics.core.views.overview;

/**
 * One node's step executions over the period (the JSON calls the node an agent). Immutable.
 *
 * @param agentId the node name
 * @param agentName the node name
 * @param executions ended step executions
 * @param successRate percent completed
 * @param avgRuntime mean execution time in seconds, or null when none started
 * @param errorRate percent failed or timed out
 */
public record AgentPerformance(String agentId, String agentName, long executions, double successRate,
        Double avgRuntime, double errorRate) {
}
