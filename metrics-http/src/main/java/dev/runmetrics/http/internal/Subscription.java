package dev.runmetrics.http.internal;

import dev.runmetrics.core.record.RunEvent;

/**
 * What a WebSocket client listens to, always inside one workspace: a workflow's run and step
 * events, one step's events, or the workspace's {@code execution_update} stream.
 */
public record Subscription(Kind kind, String workspaceId, String workflowId, String stepId) {

    /** The three streams. */
    public enum Kind { WORKFLOW, STEP, EXECUTIONS }

    public static Subscription workflow(String workspaceId, String workflowId) {
        return new Subscription(Kind.WORKFLOW, workspaceId, workflowId, null);
    }

    public static Subscription step(String workspaceId, String workflowId, String stepId) {
        return new Subscription(Kind.STEP, workspaceId, workflowId, stepId);
    }

    public static Subscription executions(String workspaceId) {
        return new Subscription(Kind.EXECUTIONS, workspaceId, null, null);
    }

    /** Whether the WebSocket event made from {@code event} goes to this subscriber. */
    public boolean wants(RunEvent event) {
        if (kind == Kind.EXECUTIONS || !event.run().workspaceId().equals(workspaceId)
                || !event.run().workflowId().equals(workflowId)) {
            return false;
        }
        return kind == Kind.WORKFLOW || (event.step() != null && event.step().stepId().equals(stepId));
    }
}
