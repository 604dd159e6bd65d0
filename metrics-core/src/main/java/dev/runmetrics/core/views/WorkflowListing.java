package dev.runmetrics.core.views;

import dev.runmetrics.core.internal.Checks;

/**
 * One workflow of a workspace, as {@link ExecutionTimeStatisticsView#workflows} lists it: how many
 * of its runs have ended (by outcome, as {@link WorkflowMetricsSummary} counts them) and how many
 * are queued or running now. For a client, such as the dashboard, to offer the workspace's
 * workflows without knowing their ids. Component names are the JSON field names (in snake_case on
 * the wire). Immutable.
 *
 * @param workflowId the workflow
 * @param totalExecutions runs that ended (every attempt that ended counts)
 * @param successfulExecutions completed ones
 * @param failedExecutions failed or timed-out ones
 * @param liveExecutions queued or running now (as far as the view's live limit reaches)
 */
public record WorkflowListing(String workflowId, long totalExecutions, long successfulExecutions,
        long failedExecutions, long liveExecutions) {

    /** @throws IllegalArgumentException if the id is malformed or the counts are negative or inconsistent */
    public WorkflowListing {
        Checks.id("workflowId", workflowId);
        if (totalExecutions < 0 || successfulExecutions < 0 || failedExecutions < 0 || liveExecutions < 0
                || successfulExecutions + failedExecutions > totalExecutions) {
            throw new IllegalArgumentException("inconsistent counts: total " + totalExecutions + ", successful "
                    + successfulExecutions + ", failed " + failedExecutions + ", live " + liveExecutions);
        }
    }
}
