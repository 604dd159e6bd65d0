package dev.runmetrics.core.control;

/**
 * An operator action on a running run (pause or cancel), as the orchestrator executing it offers
 * it; {@code WorkflowRunner::pause} and {@code WorkflowRunner::cancel} fit. Called by the adapter
 * after it has checked the caller's token, role and workspace and that the run exists there.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface RunAction {

    /**
     * Applies the action.
     *
     * @param workspaceId the caller's workspace
     * @param runId the run
     * @param reason why, from the request body's {@code reason}, or null
     * @return true if the action was taken; false if the run is not running here (ended, unknown to
     *     this orchestrator, or already pausing or cancelling), which the adapter answers with 409
     */
    boolean apply(String workspaceId, String runId, String reason);
}
