package dev.runmetrics.core.views;

import java.util.Objects;

/**
 * One workflow's execution-time statistics over a range
 * ({@link ExecutionTimeStatisticsView#executionTimesByWorkflow}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param workflowId the workflow
 * @param statistics its statistics, as {@link ExecutionTimeStatisticsView#executionTimes} gives them
 */
public record WorkflowExecutionTimes(String workflowId, ExecutionTimeStatistics statistics) {

    /** @throws NullPointerException if a component is null */
    public WorkflowExecutionTimes {
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(statistics, "statistics");
    }
}
