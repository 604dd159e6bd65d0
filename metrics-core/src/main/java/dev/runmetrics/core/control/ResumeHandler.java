package dev.runmetrics.core.control;

import java.util.Map;

/**
 * Resumes a failed or paused run from one of its steps. Implemented by an
 * orchestrator (the reference {@code dev.runmetrics.core.flow.WorkflowRunner}, or a host's own),
 * and called by the HTTP adapter's {@code POST /api/workflows/executions/{id}/resume} after it has
 * checked the caller's permission.
 *
 * <p>Implementations answer every request with a {@link ResumeResult}, never with an exception for a
 * request that is merely not allowed, and write one control audit entry per request, accepted or
 * refused. They must be thread-safe: concurrent requests for the same run are expected, and exactly
 * one of them may be accepted ({@link RunStore#claimResume} decides).
 */
@FunctionalInterface
public interface ResumeHandler {

    /**
     * Asks for a new attempt of a run, starting again at {@code stepId}. Returns as soon as the
     * attempt is claimed and scheduled, before its steps run.
     *
     * @param workspaceId the tenant the caller acts in; another workspace's run is "not found"
     * @param actor who asks, for the audit log
     * @param runId the run
     * @param stepId the failed or paused step to start again from
     * @param inputOverrides JSON-like values merged into that step's input, or null for none
     * @return {@link ResumeResult.Accepted} with the new attempt, or {@link ResumeResult.Refused}
     *     with the reason
     * @throws NullPointerException if an id or the actor is null
     * @throws IllegalArgumentException if an id or the actor is blank or too long
     */
    ResumeResult resume(String workspaceId, String actor, String runId, String stepId, Map<String, ?> inputOverrides);
}
